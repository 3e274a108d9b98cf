package io.flowstate.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One storage medium for {@link CheckpointBenchmark}: a started repository with its default options, and the raw write
 * it is compared with, on the same medium (same folder, same database, same connection pool).
 * <ul>
 * <li>{@code file}: {@link FileFlowSnapshotRepository} in a data directory under a new temp folder; the raw write is
 * temp file + fsync + atomic move + directory fsync in a sibling folder.</li>
 * <li>{@code h2}: {@link JdbcFlowSnapshotRepository} on H2 in file mode with {@code ;WRITE_DELAY=0} (as the docs
 * require); the raw write is one versioned single-row UPDATE in the same database.</li>
 * <li>{@code postgres}: the same on an embedded PostgreSQL server (real binaries) started with fsync and
 * synchronous_commit on; one server per trial.</li>
 * </ul>
 */
final class CheckpointStore implements AutoCloseable {

    /** A durable write of a whole document: what a checkpoint is compared with. */
    interface RawWriter {
        void write(byte[] document) throws Exception;
    }

    final FlowSnapshotRepository repository;
    final RawWriter raw;
    private final Path tempDir;
    private final HikariDataSource pool;
    private final EmbeddedPostgres postgres;

    private CheckpointStore(FlowSnapshotRepository repository, RawWriter raw, Path tempDir, HikariDataSource pool,
                            EmbeddedPostgres postgres) {
        this.repository = repository;
        this.raw = raw;
        this.tempDir = tempDir;
        this.pool = pool;
        this.postgres = postgres;
    }

    static CheckpointStore open(String medium) throws Exception {
        Path tempDir = Files.createTempDirectory("flowstate-checkpoint-bench");
        try {
            switch (medium) {
                case "file": {
                    FileFlowSnapshotRepository repo = new FileFlowSnapshotRepository(tempDir.resolve("data").toString());
                    repo.start();
                    Path rawDir = Files.createDirectories(tempDir.resolve("raw"));
                    return new CheckpointStore(repo, new FileRawWriter(rawDir.resolve("run.json")), tempDir, null, null);
                }
                case "h2": {
                    String url = "jdbc:h2:file:" + tempDir.resolve("h2").resolve("flowstate") + ";WRITE_DELAY=0";
                    HikariDataSource pool = pool(url, "sa");
                    return jdbc(pool, "CHARACTER VARYING", tempDir, null);
                }
                case "postgres": {
                    EmbeddedPostgres pg = EmbeddedPostgres.builder()
                            .setDataDirectory(tempDir.resolve("pg"))
                            .setCleanDataDirectory(true)
                            .setServerConfig("fsync", "on")
                            .setServerConfig("synchronous_commit", "on")
                            .setServerConfig("full_page_writes", "on")
                            .start();
                    try {
                        HikariDataSource pool = pool(pg.getJdbcUrl("postgres", "postgres"), "postgres");
                        return jdbc(pool, "TEXT", tempDir, pg);
                    } catch (Exception | Error e) {
                        pg.close();
                        throw e;
                    }
                }
                default:
                    throw new IllegalArgumentException("Unknown repository '" + medium + "': use file, h2 or postgres");
            }
        } catch (Exception | Error e) {
            deleteTree(tempDir);
            throw e;
        }
    }

    private static HikariDataSource pool(String url, String user) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }

    private static CheckpointStore jdbc(HikariDataSource pool, String textType, Path tempDir, EmbeddedPostgres pg)
            throws SQLException {
        JdbcFlowSnapshotRepository repo = new JdbcFlowSnapshotRepository(pool);
        repo.start();
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE bench_raw (id VARCHAR(200) NOT NULL PRIMARY KEY, doc " + textType
                       + " NOT NULL, version BIGINT NOT NULL)");
            st.execute("INSERT INTO bench_raw (id, doc, version) VALUES ('run-1', '{}', 1)");
        }
        return new CheckpointStore(repo, new JdbcRawWriter(pool), tempDir, pool, pg);
    }

    @Override
    public void close() throws Exception {
        try {
            repository.stop();
            if (pool != null) {
                pool.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        } finally {
            deleteTree(tempDir);
        }
    }

    /** Temp file + fsync + atomic move + directory fsync: a durable replace, the least a file checkpoint can do. */
    static final class FileRawWriter implements RawWriter {
        private final Path target;
        private final Path temp;

        FileRawWriter(Path target) {
            this.target = target;
            this.temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        }

        @Override
        public void write(byte[] document) throws IOException {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(document);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        }
    }

    /**
     * One versioned single-row UPDATE of the whole document, auto-commit (one round trip, one commit), through the
     * same pool as the repository: {@code UPDATE t SET doc = ?, version = version + 1 WHERE id = ? AND version = ?}.
     */
    static final class JdbcRawWriter implements RawWriter {
        private final HikariDataSource pool;
        private long version = 1;

        JdbcRawWriter(HikariDataSource pool) {
            this.pool = pool;
        }

        @Override
        public void write(byte[] document) throws SQLException {
            try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "UPDATE bench_raw SET doc = ?, version = version + 1 WHERE id = ? AND version = ?")) {
                ps.setString(1, new String(document, StandardCharsets.UTF_8));
                ps.setString(2, "run-1");
                ps.setLong(3, version);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("The raw row was not at version " + version);
                }
                version++;
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
