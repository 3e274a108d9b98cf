package io.flowstate.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;

/**
 * What a repository occupies, part by part, seen two ways ({@link #views()}): for PostgreSQL, the tables of the default
 * prefix with their indexes and TOAST ({@code pg_total_relation_size}) after a plain {@code VACUUM} (what the disk
 * holds, free space inside the files included) and after {@code VACUUM FULL} (the rows alone, tables rewritten); for the
 * file repository, its folders in allocated blocks and in file bytes.
 */
interface Footprint {

    /** The two views {@link #measure()} gives, in its order. */
    String[] views();

    /** Bytes per part: {first view, second view}. Parts keep their order. */
    Map<String, long[]> measure() throws Exception;

    /**
     * The view of a measure that the next one starts from, for view {@code view}: the second for PostgreSQL (its
     * {@code VACUUM FULL} rewrote the tables), each its own for files.
     */
    int baseline(int view);

    /** Makes the space of removed rows reusable, as autovacuum does (PostgreSQL: {@code VACUUM}); nothing for files. */
    void reclaim() throws Exception;

    /** One stored run: {bytes of its last full document, bytes of the deltas stored since, number of those deltas}. */
    long[] run(String executionId) throws Exception;

    static Footprint of(BenchStores stores) {
        if (stores.dataSource() != null) {
            return new PostgresTables(stores.dataSource());
        }
        return new FileFolders(Path.of(((FileFlowSnapshotRepository) stores.repository).getDataDirectory()));
    }

    /** The JDBC repository's tables on PostgreSQL. */
    final class PostgresTables implements Footprint {

        private static final String[][] PARTS = {
                { "runs (rows + TOAST)", "pg_table_size('flowstate_runs')" },
                { "runs (indexes)", "pg_indexes_size('flowstate_runs')" },
                { "run_deltas (all)", "pg_total_relation_size('flowstate_run_deltas')" },
                { "key_values (all)", "pg_total_relation_size('flowstate_key_values')" } };

        private final DataSource dataSource;

        PostgresTables(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public String[] views() {
            return new String[] { "after VACUUM", "after VACUUM FULL" };
        }

        @Override
        public int baseline(int view) {
            return 1;
        }

        @Override
        public Map<String, long[]> measure() throws SQLException {
            long[] vacuumed = sizesAfter("VACUUM");
            long[] rewritten = sizesAfter("VACUUM FULL");
            Map<String, long[]> parts = new LinkedHashMap<>();
            for (int i = 0; i < PARTS.length; i++) {
                parts.put(PARTS[i][0], new long[] { vacuumed[i], rewritten[i] });
            }
            return parts;
        }

        @Override
        public void reclaim() throws SQLException {
            sizesAfter("VACUUM");
        }

        private long[] sizesAfter(String vacuum) throws SQLException {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                s.execute(vacuum);
                long[] sizes = new long[PARTS.length];
                for (int i = 0; i < PARTS.length; i++) {
                    try (ResultSet rs = s.executeQuery("SELECT " + PARTS[i][1])) {
                        rs.next();
                        sizes[i] = rs.getLong(1);
                    }
                }
                return sizes;
            }
        }

        @Override
        public long[] run(String executionId) throws SQLException {
            String sql = "SELECT r.snapshot_bytes, COALESCE(SUM(OCTET_LENGTH(d.delta)), 0), COUNT(d.version)"
                         + " FROM flowstate_runs r LEFT JOIN flowstate_run_deltas d ON d.execution_id = r.execution_id"
                         + " WHERE r.execution_id = ? GROUP BY r.snapshot_bytes";
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, executionId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3) };
                }
            }
        }
    }

    /** The file repository's folders. */
    final class FileFolders implements Footprint {

        private static final String[] FOLDERS = { "runs", "finished", "values" };

        private final Path dataDirectory;

        FileFolders(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
        }

        @Override
        public String[] views() {
            return new String[] { "allocated blocks", "file bytes" };
        }

        @Override
        public int baseline(int view) {
            return view;
        }

        @Override
        public Map<String, long[]> measure() throws IOException {
            long block = Files.getFileStore(dataDirectory).getBlockSize();
            Map<String, long[]> parts = new LinkedHashMap<>();
            for (String folder : FOLDERS) {
                long[] sizes = new long[2];
                Path root = dataDirectory.resolve(folder);
                if (Files.isDirectory(root)) {
                    try (Stream<Path> files = Files.walk(root)) {
                        files.filter(Files::isRegularFile).forEach(f -> {
                            long size = sizeOf(f);
                            sizes[0] += (size + block - 1) / block * block;
                            sizes[1] += size;
                        });
                    }
                }
                parts.put(folder + "/", sizes);
            }
            return parts;
        }

        @Override
        public void reclaim() {
            // a removed file's blocks are free at once
        }

        @Override
        public long[] run(String executionId) throws IOException {
            try (Stream<Path> files = Files.walk(dataDirectory.resolve("runs"))) {
                long[] run = new long[3];
                files.filter(f -> f.getFileName().toString().startsWith(executionId + ".")).forEach(f -> {
                    if (f.getFileName().toString().endsWith(".log")) {
                        run[1] = sizeOf(f);
                        run[2] = lines(f);
                    } else {
                        run[0] = sizeOf(f);
                    }
                });
                return run;
            }
        }

        private static long sizeOf(Path file) {
            try {
                return Files.size(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static long lines(Path file) {
            try (Stream<String> lines = Files.lines(file)) {
                return lines.count();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
