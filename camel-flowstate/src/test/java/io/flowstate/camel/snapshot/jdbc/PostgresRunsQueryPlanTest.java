package io.flowstate.camel.snapshot.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On PostgreSQL every filter of the runs query is served by an index: over 40,000 analysed runs (most of them
 * finished, as in a store that keeps history), EXPLAIN of each filter's first page shows an index scan of the
 * filter's index (for the flow alone, where one run in 20 matches, the creation-order index may serve as well) and no
 * sequential scan of the runs table. The rows are inserted by one INSERT ... SELECT
 * generate_series, not through the repository.
 */
class PostgresRunsQueryPlanTest {

    private static final int RUNS = 40_000;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static HikariDataSource pool;
    private static JdbcSchema schema;

    @BeforeAll
    static void fill() throws Exception {
        JdbcTestDatabase database = JdbcTestDatabase.postgres();
        String prefix = database.freshTables();
        pool = database.pool(2, true);
        JdbcFlowSnapshotRepository repository = new JdbcFlowSnapshotRepository(pool);
        repository.setTablePrefix(prefix);
        repository.start();
        repository.stop();
        schema = new JdbcSchema(prefix);
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + schema.runs + " (execution_id, flow_id, route_id, status, version,"
                       + " format_version, created_at, updated_at, waiting_for, lease_owner, lease_expires_at,"
                       + " snapshot_version, snapshot_bytes, delta_count, delta_bytes, snapshot, finished_at,"
                       + " business_key, open_business_key)"
                       + " SELECT 'run-' || i, 'flow-' || (i % 20), 'r', s.status, 1, 1,"
                       + " TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 second', TIMESTAMPTZ '2026-01-01' + i * INTERVAL '2 second',"
                       + " CASE WHEN s.status = 'SUSPENDED' THEN (CASE WHEN i % 2 = 0 THEN 'approval' ELSE 'payment' END) END,"
                       + " CASE WHEN s.status = 'RUNNING' THEN 'node-' || (i % 4) END,"
                       + " CASE WHEN s.status = 'RUNNING' THEN TIMESTAMPTZ '2027-01-01' END,"
                       + " 1, 2, 0, 0, '{}',"
                       + " CASE WHEN s.status IN ('COMPLETED', 'FAILED') THEN TIMESTAMPTZ '2026-01-01' + i * INTERVAL '2 second' END,"
                       + " 'key-' || i, CASE WHEN s.status IN ('RUNNING', 'SUSPENDED') THEN 'key-' || i END"
                       + " FROM generate_series(1, " + RUNS + ") i, LATERAL (SELECT CASE WHEN i % 20 < 14 THEN 'COMPLETED'"
                       + " WHEN i % 20 < 16 THEN 'FAILED' WHEN i % 20 < 19 THEN 'SUSPENDED' ELSE 'RUNNING' END AS status) s");
            st.execute("ANALYZE " + schema.runs);
        }
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    static Stream<Arguments> filters() {
        return Stream.of(
                Arguments.of("flow and status", FlowSnapshotQuery.builder().flowId("flow-17").status(FlowStatus.SUSPENDED),
                        "runs_flow_status"),
                // one run in 20: PostgreSQL may as well read the creation index, in heap order, past the others
                Arguments.of("flow", FlowSnapshotQuery.builder().flowId("flow-3"), "runs_(flow|flow_status|created) "),
                Arguments.of("status", FlowSnapshotQuery.builder().status(FlowStatus.RUNNING), "runs_status"),
                Arguments.of("waitingFor", FlowSnapshotQuery.builder().waitingFor("approval"), "runs_waiting"),
                Arguments.of("businessKey", FlowSnapshotQuery.builder().businessKey("key-123"), "runs_business_key"),
                Arguments.of("leaseOwner", FlowSnapshotQuery.builder().leaseOwner("node-1"), "runs_lease_owner"),
                Arguments.of("startedAfter and startedBefore", FlowSnapshotQuery.builder()
                        .startedAfter(T0.plusSeconds(30_000)).startedBefore(T0.plusSeconds(30_500)), "runs_created"),
                Arguments.of("updatedBefore of finished runs", FlowSnapshotQuery.builder().status(FlowStatus.COMPLETED)
                        .updatedBefore(T0.plusSeconds(200)), "runs_finished"),
                Arguments.of("updatedBefore with a status", FlowSnapshotQuery.builder().status(FlowStatus.SUSPENDED)
                        .updatedBefore(Duration.ofDays(1)).asOf(T0.plusSeconds(RUNS * 3L)), "runs_status"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void eachFilterIsServedByAnIndex(String filter, FlowSnapshotQuery.Builder query, String index) throws Exception {
        JdbcRunQueries.Statement find = JdbcRunQueries.findStatement(schema, query.build());
        String plan;
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("EXPLAIN " + find.sql())) {
            JdbcAccess.bindAll(ps, 1, find.params().toArray());
            StringBuilder lines = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.append(rs.getString(1)).append('\n');
                }
            }
            plan = lines.toString();
        }
        assertThat(plan).as(plan).doesNotContain("Seq Scan").containsPattern("Index (Only )?Scan using "
                                                                               + schema.prefix + index);
    }
}
