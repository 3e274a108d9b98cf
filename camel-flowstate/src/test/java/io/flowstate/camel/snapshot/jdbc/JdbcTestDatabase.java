package io.flowstate.camel.snapshot.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A database the JDBC tests write to, and how each test gets tables no other test uses: H2 in file mode with
 * {@code WRITE_DELAY=0}, a fresh database per test; or one embedded PostgreSQL server for the test JVM (fsync and
 * synchronous_commit on, see {@link DurablePostgres}), a fresh table prefix per test.
 */
abstract class JdbcTestDatabase {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;
    private static PgBouncer pgBouncer;

    abstract String jdbcUrl();

    abstract String user();

    abstract JdbcDialect dialect();

    /** Makes tables of its own for the next test; returns their prefix. */
    abstract String freshTables();

    /** How many sessions wait, now, for another's lock to insert into {@code table}. */
    abstract long sessionsWaitingToInsertInto(Connection c, String table) throws SQLException;

    /** A pool of connections to this database; {@code autoCommit} false as, e.g., spring.datasource.hikari.auto-commit. */
    HikariDataSource pool(int size, boolean autoCommit) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl());
        config.setUsername(user());
        config.setMaximumPoolSize(size);
        config.setAutoCommit(autoCommit);
        return new HikariDataSource(config);
    }

    /** H2 databases under {@code directory}. */
    static JdbcTestDatabase h2(Path directory) {
        return new JdbcTestDatabase() {
            private String url;

            @Override
            String freshTables() {
                url = "jdbc:h2:file:" + directory.resolve("db-" + COUNTER.incrementAndGet()).resolve("flowstate")
                      + ";WRITE_DELAY=0";
                return "flowstate_";
            }

            @Override
            String jdbcUrl() {
                return url;
            }

            @Override
            String user() {
                return "sa";
            }

            @Override
            JdbcDialect dialect() {
                return JdbcDialect.H2;
            }

            @Override
            long sessionsWaitingToInsertInto(Connection c, String table) throws SQLException {
                return JdbcAccess.queryFirst(c, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS"
                                                + " WHERE BLOCKER_ID IS NOT NULL AND UPPER(EXECUTING_STATEMENT) LIKE ?",
                        rs -> rs.getLong(1), "INSERT INTO " + table.toUpperCase(Locale.ROOT) + " %");
            }
        };
    }

    /**
     * The test JVM's PostgreSQL server (see {@link #postgres()}) through PgBouncer in transaction pooling mode, started
     * at the first call.
     */
    static synchronized JdbcTestDatabase throughPgBouncer() {
        JdbcTestDatabase server = postgres();
        if (pgBouncer == null) {
            pgBouncer = PgBouncer.start(postgres.getPort());
        }
        String url = pgBouncer.jdbcUrl();
        return new JdbcTestDatabase() {
            @Override
            String freshTables() {
                return server.freshTables();
            }

            @Override
            String jdbcUrl() {
                return url;
            }

            @Override
            String user() {
                return server.user();
            }

            @Override
            JdbcDialect dialect() {
                return server.dialect();
            }

            @Override
            long sessionsWaitingToInsertInto(Connection c, String table) throws SQLException {
                return server.sessionsWaitingToInsertInto(c, table);
            }
        };
    }

    /** The test JVM's PostgreSQL server, started at the first call and stopped when the JVM exits. */
    static synchronized JdbcTestDatabase postgres() {
        if (postgres == null) {
            try {
                postgres = DurablePostgres.start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    // the JVM ends anyway
                }
            }));
        }
        String url = postgres.getJdbcUrl("postgres", "postgres");
        return new JdbcTestDatabase() {
            @Override
            String freshTables() {
                return "t" + COUNTER.incrementAndGet() + "_";
            }

            @Override
            String jdbcUrl() {
                return url;
            }

            @Override
            String user() {
                return "postgres";
            }

            @Override
            JdbcDialect dialect() {
                return JdbcDialect.POSTGRESQL;
            }

            @Override
            long sessionsWaitingToInsertInto(Connection c, String table) throws SQLException {
                return JdbcAccess.queryFirst(c, "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                                + " AND query LIKE ?",
                        rs -> rs.getLong(1), "INSERT INTO " + table + " %");
            }
        };
    }
}
