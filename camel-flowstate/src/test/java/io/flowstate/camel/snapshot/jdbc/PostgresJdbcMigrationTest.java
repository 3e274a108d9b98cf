package io.flowstate.camel.snapshot.jdbc;

/** The migrations on a real PostgreSQL server, each test on its own table prefix. */
class PostgresJdbcMigrationTest extends AbstractJdbcMigrationTest {

    @Override
    protected JdbcTestDatabase database() {
        return JdbcTestDatabase.postgres();
    }
}
