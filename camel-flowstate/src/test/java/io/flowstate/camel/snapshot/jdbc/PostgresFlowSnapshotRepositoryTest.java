package io.flowstate.camel.snapshot.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository contract on a real PostgreSQL server (embedded binaries, one server for the test JVM) with fsync and
 * synchronous_commit on, as in production. Each test gets its own tables through a table prefix.
 */
class PostgresFlowSnapshotRepositoryTest extends AbstractJdbcFlowSnapshotRepositoryTest {

    @Override
    protected JdbcTestDatabase database() {
        return JdbcTestDatabase.postgres();
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
}
