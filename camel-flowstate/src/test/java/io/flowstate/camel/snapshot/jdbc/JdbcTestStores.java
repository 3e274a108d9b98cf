package io.flowstate.camel.snapshot.jdbc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;

/**
 * JDBC repositories for the tests of other packages: each store is a fresh H2 database or fresh tables on the test
 * JVM's PostgreSQL server, and can give several repositories on the same tables (the nodes of a cluster).
 */
public final class JdbcTestStores {

    private JdbcTestStores() {
    }

    /** A fresh H2 database in file mode under {@code directory}. */
    public static Store h2(Path directory) {
        return new Store(JdbcTestDatabase.h2(directory));
    }

    /** Fresh tables on the test JVM's PostgreSQL server (fsync and synchronous_commit on). */
    public static Store postgres() {
        return new Store(JdbcTestDatabase.postgres());
    }

    /** One store; {@link #close()} closes the pools of the repositories it gave (stop them first). */
    public static final class Store implements AutoCloseable {

        private final JdbcTestDatabase database;
        private final String tablePrefix;
        private final List<HikariDataSource> pools = new ArrayList<>();

        private Store(JdbcTestDatabase database) {
            this.database = database;
            this.tablePrefix = database.freshTables();
        }

        /** Where another JVM connects to this store. */
        public String jdbcUrl() {
            return database.jdbcUrl();
        }

        public String user() {
            return database.user();
        }

        public String tablePrefix() {
            return tablePrefix;
        }

        /** A new repository (not started) on this store's tables, with a pool of its own. */
        public JdbcFlowSnapshotRepository newRepository() {
            HikariDataSource pool = database.pool(8, true);
            pools.add(pool);
            JdbcFlowSnapshotRepository repository = new JdbcFlowSnapshotRepository(pool);
            repository.setTablePrefix(tablePrefix);
            return repository;
        }

        @Override
        public void close() {
            pools.forEach(HikariDataSource::close);
            pools.clear();
        }
    }
}
