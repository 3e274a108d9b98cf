package io.flowstate.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The repositories the durable-flow benchmarks compare, each in a fresh temporary place, durable where it can be:
 * <ul>
 * <li>{@code memory}: {@link MemoryFlowSnapshotRepository}, nothing durable;</li>
 * <li>{@code file}: {@link FileFlowSnapshotRepository} (fsync per write), the default;</li>
 * <li>{@code h2}: {@link JdbcFlowSnapshotRepository} on H2 in file mode with {@code WRITE_DELAY=0} (every commit
 * written before it returns: survives a process crash, H2 never fsyncs);</li>
 * <li>{@code postgres}: {@link JdbcFlowSnapshotRepository} on an embedded PostgreSQL with fsync, synchronous_commit and
 * full_page_writes on.</li>
 * </ul>
 * The repository is started; {@link #close()} stops it and removes everything.
 */
final class BenchStores implements AutoCloseable {

    final String kind;
    final FlowSnapshotRepository repository;
    private final Path dir;
    private final HikariDataSource dataSource;
    private final EmbeddedPostgres postgres;

    private BenchStores(String kind, FlowSnapshotRepository repository, Path dir, HikariDataSource dataSource,
                        EmbeddedPostgres postgres) {
        this.kind = kind;
        this.repository = repository;
        this.dir = dir;
        this.dataSource = dataSource;
        this.postgres = postgres;
    }

    static BenchStores open(String kind, int poolSize) throws IOException {
        Path dir = Files.createTempDirectory("flowstate-bench-" + kind);
        BenchStores stores;
        switch (kind) {
            case "memory" -> stores = new BenchStores(kind, new MemoryFlowSnapshotRepository(), dir, null, null);
            case "file" -> stores = new BenchStores(kind, new FileFlowSnapshotRepository(dir.resolve("data").toString()),
                    dir, null, null);
            case "h2" -> {
                HikariDataSource ds = pool("jdbc:h2:file:" + dir.resolve("flowstate") + ";WRITE_DELAY=0", "sa", poolSize);
                stores = new BenchStores(kind, new JdbcFlowSnapshotRepository(ds), dir, ds, null);
            }
            case "postgres" -> {
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on")
                        .setDataDirectory(dir.resolve("pg"))
                        .start();
                HikariDataSource ds = pool(pg.getJdbcUrl("postgres", "postgres"), "postgres", poolSize);
                stores = new BenchStores(kind, new JdbcFlowSnapshotRepository(ds), dir, ds, pg);
            }
            default -> throw new IllegalArgumentException("Unknown repository " + kind
                                                          + ": use memory, file, h2 or postgres");
        }
        stores.repository.start();
        return stores;
    }

    private static HikariDataSource pool(String url, String user, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }

    /**
     * After a bulk load, lets the database reach a steady state as if the runs had accumulated over time: PostgreSQL
     * {@code VACUUM ANALYZE} and {@code CHECKPOINT} (no checkpoint flushing the load while latencies are measured),
     * H2 {@code CHECKPOINT}. Nothing for memory and file.
     */
    void settle() throws java.sql.SQLException {
        if (dataSource == null) {
            return;
        }
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            if (postgres != null) {
                s.execute("VACUUM ANALYZE");
            }
            s.execute("CHECKPOINT");
        }
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** The embedded PostgreSQL's JDBC URL (user {@code postgres}), for other JVMs. */
    String jdbcUrl() {
        return postgres().getJdbcUrl("postgres", "postgres");
    }

    /** The PostgreSQL server's postmaster process id (the parent of its backends), from its data directory. */
    long postmasterPid() throws IOException {
        postgres();
        return Long.parseLong(Files.readAllLines(dir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
    }

    private EmbeddedPostgres postgres() {
        if (postgres == null) {
            throw new IllegalStateException("Repository " + kind + " has no PostgreSQL server: use postgres");
        }
        return postgres;
    }

    /** Another pool of {@code size} connections on the same database (h2, postgres); the caller closes it. */
    HikariDataSource newPool(int size) {
        if (dataSource == null) {
            throw new IllegalStateException("The " + kind + " repository has no database: use h2 or postgres");
        }
        return pool(dataSource.getJdbcUrl(), dataSource.getUsername(), size);
    }

    @Override
    public void close() throws IOException {
        repository.stop();
        if (dataSource != null) {
            dataSource.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        deleteTree(dir);
    }

    /**
     * Deletes {@code root} and everything in it. Files that vanish meanwhile are fine: at JVM exit the embedded
     * PostgreSQL's own shutdown hook removes its data directory at the same time.
     */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw new UncheckedIOException(e);
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
