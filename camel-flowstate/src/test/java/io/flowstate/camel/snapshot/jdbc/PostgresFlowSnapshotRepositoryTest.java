package io.flowstate.camel.snapshot.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository contract on a real PostgreSQL server (embedded binaries, one server for the class) with fsync and
 * synchronous_commit on, as in production. Each test gets its own tables through a table prefix.
 */
class PostgresFlowSnapshotRepositoryTest extends AbstractJdbcFlowSnapshotRepositoryTest {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = DurablePostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theServerRunsWithFsyncAndSynchronousCommit() throws Exception {
        try (Connection c = dataSource().getConnection(); Statement st = c.createStatement()) {
            for (String setting : new String[] { "fsync", "synchronous_commit" }) {
                try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
                    rs.next();
                    assertThat(rs.getString(1)).as(setting).isEqualTo("on");
                }
            }
        }
    }

    @Override
    protected String freshTablePrefix() {
        return "t" + COUNTER.incrementAndGet() + "_";
    }

    @Override
    protected String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    protected String user() {
        return "postgres";
    }
}
