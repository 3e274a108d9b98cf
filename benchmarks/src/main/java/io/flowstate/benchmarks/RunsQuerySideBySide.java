package io.flowstate.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;

import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;

/**
 * The runs query as the store grows: the first page of 100 SUSPENDED runs of one flow ({@code flowstate:runs}'s
 * query, through the repository SPI) on PostgreSQL, with 10,000 and with 1,000,000 runs stored, side by side in one
 * embedded server (two table sets), so both see the same disk and the same neighbours: {@code samples} finds each,
 * in ABBA order after 300 warm-up ones.
 * <p>
 * The runs are inserted by one {@code INSERT ... SELECT generate_series} per table set, not through the API: 11 flows,
 * 70% COMPLETED, 10% FAILED, 15% SUSPENDED (waiting for approval or payment), 5% RUNNING, one second apart; then
 * {@code VACUUM ANALYZE} and {@code CHECKPOINT}. Prints the plan of the large table's query and p50, p90 and mean of
 * each size, with their ratio.
 * <p>
 * Not a JMH benchmark. Run, after {@code mvn -pl benchmarks -am package -DskipTests}:
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.flowstate.benchmarks.RunsQuerySideBySide [samples] [small] [large]
 * </pre>
 * Defaults: 2000 samples, 10000 and 1000000 runs.
 */
public final class RunsQuerySideBySide {

    private static final int WARM_UP = 300;

    private RunsQuerySideBySide() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int small = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int large = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        try (BenchStores stores = BenchStores.open("postgres", 4)) {
            JdbcFlowSnapshotRepository a = tables(stores, "small_", small);
            JdbcFlowSnapshotRepository b = tables(stores, "large_", large);
            stores.settle();
            FlowSnapshotQuery query = FlowSnapshotQuery.builder().flowId("flow-7").status(FlowStatus.SUSPENDED)
                    .pageSize(100).build();
            for (int i = 0; i < WARM_UP; i++) {
                find(a, query);
                find(b, query);
            }
            long[] timesA = new long[samples];
            long[] timesB = new long[samples];
            for (int i = 0; i < samples; i++) {
                boolean aFirst = i % 4 == 0 || i % 4 == 3;
                if (aFirst) {
                    timesA[i] = find(a, query);
                    timesB[i] = find(b, query);
                } else {
                    timesB[i] = find(b, query);
                    timesA[i] = find(a, query);
                }
            }
            printPlan(stores, "small_");
            printPlan(stores, "large_");
            long[] rawA = new long[samples];
            long[] rawB = new long[samples];
            try (Connection c = stores.dataSource().getConnection();
                 java.sql.PreparedStatement pa = c.prepareStatement(rawSql("small_"));
                 java.sql.PreparedStatement pb = c.prepareStatement(rawSql("large_"))) {
                for (int i = 0; i < WARM_UP + samples; i++) {
                    long ta = raw(pa);
                    long tb = raw(pb);
                    if (i >= WARM_UP) {
                        rawA[i - WARM_UP] = ta;
                        rawB[i - WARM_UP] = tb;
                    }
                }
            }
            Stats sa = Stats.of(timesA);
            Stats sb = Stats.of(timesB);
            Stats ra = Stats.of(rawA);
            Stats rb = Stats.of(rawB);
            System.out.printf("%nthe same SELECT on one held connection, plain JDBC, rows read (µs): p50 %.0f vs %.0f"
                              + " (%.2f), mean %.0f vs %.0f (%.2f)%n", ra.p50, rb.p50, rb.p50 / ra.p50, ra.mean, rb.mean,
                    rb.mean / ra.mean);
            System.out.printf("%nfirst page of 100 SUSPENDED runs of one flow, PostgreSQL, %,d finds each (µs)%n",
                    samples);
            System.out.printf("%-12s %10s %10s %10s%n", "stored runs", "p50", "p90", "mean");
            System.out.printf("%,-12d %10.0f %10.0f %10.0f%n", small, sa.p50, sa.p90, sa.mean);
            System.out.printf("%,-12d %10.0f %10.0f %10.0f%n", large, sb.p50, sb.p90, sb.mean);
            System.out.printf("%-12s %10.2f %10.2f %10.2f%n", "ratio", sb.p50 / sa.p50, sb.p90 / sa.p90,
                    sb.mean / sa.mean);
            a.stop();
            b.stop();
        }
    }

    /** A repository on tables {@code prefix}* holding {@code runs} runs, inserted in bulk. */
    private static JdbcFlowSnapshotRepository tables(BenchStores stores, String prefix, int runs) throws Exception {
        JdbcFlowSnapshotRepository repository = new JdbcFlowSnapshotRepository(stores.dataSource());
        repository.setTablePrefix(prefix);
        repository.start();
        long started = System.nanoTime();
        try (Connection c = stores.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + prefix + "runs (execution_id, flow_id, route_id, status, version,"
                       + " format_version, created_at, updated_at, waiting_for, lease_owner, lease_expires_at,"
                       + " snapshot_version, snapshot_bytes, delta_count, delta_bytes, snapshot, finished_at,"
                       + " business_key, open_business_key, last_step)"
                       + " SELECT 'run-' || lpad(i::text, 8, '0'), 'flow-' || (i % 11), 'r', s.status, 3, 1,"
                       + " TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 second',"
                       + " TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 second' + INTERVAL '5 minutes',"
                       + " CASE WHEN s.status = 'SUSPENDED' THEN (CASE WHEN i % 2 = 0 THEN 'approval' ELSE 'payment' END) END,"
                       + " CASE WHEN s.status = 'RUNNING' THEN 'node-' || (i % 4) END,"
                       + " CASE WHEN s.status = 'RUNNING' THEN TIMESTAMPTZ '2027-01-01' END,"
                       + " 3, 300, 0, 0, '{\"formatVersion\":1,\"executionId\":\"run-' || i || '\",\"state\":{\"order\":\""
                       + "' || md5(i::text) || md5((i + 1)::text) || md5((i + 2)::text) || '\"}}',"
                       + " CASE WHEN s.status IN ('COMPLETED', 'FAILED') THEN TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 second' END,"
                       + " 'order-' || i, CASE WHEN s.status IN ('RUNNING', 'SUSPENDED') THEN 'order-' || i END, 'check'"
                       + " FROM generate_series(1, " + runs + ") i, LATERAL (SELECT CASE WHEN i % 20 < 14 THEN 'COMPLETED'"
                       + " WHEN i % 20 < 16 THEN 'FAILED' WHEN i % 20 < 19 THEN 'SUSPENDED' ELSE 'RUNNING' END AS status) s");
        }
        System.out.printf("%s: %,d runs inserted in %.1f s%n", prefix, runs, (System.nanoTime() - started) / 1e9);
        return repository;
    }

    private static long find(JdbcFlowSnapshotRepository repository, FlowSnapshotQuery query) {
        long started = System.nanoTime();
        int found = repository.find(query).items().size();
        long elapsed = System.nanoTime() - started;
        if (found != 100) {
            throw new IllegalStateException("expected a full page of 100 runs, found " + found);
        }
        return elapsed;
    }

    /**
     * The plan PostgreSQL keeps for the find once the statement is prepared (a generic plan: the flow id a parameter,
     * as the repository binds it), run warm.
     */
    private static void printPlan(BenchStores stores, String prefix) throws Exception {
        try (Connection c = stores.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("SET plan_cache_mode = force_generic_plan");
            st.execute("PREPARE find_" + prefix + " AS SELECT execution_id, flow_id, route_id, status, version,"
                       + " created_at, updated_at, waiting_for, wake_at, lease_owner, lease_expires_at, last_step,"
                       + " attempt, parent_execution_id, business_key FROM " + prefix + "runs WHERE status = 'SUSPENDED'"
                       + " AND flow_id = $1 ORDER BY created_at, execution_id FETCH FIRST 101 ROWS ONLY");
            try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS) EXECUTE find_" + prefix + "('flow-7')")) {
                System.out.println("generic plan on " + prefix + "runs:");
                while (rs.next()) {
                    System.out.println("  " + rs.getString(1));
                }
            }
            st.execute("DEALLOCATE find_" + prefix);
            st.execute("RESET plan_cache_mode");
        }
    }

    private static String rawSql(String prefix) {
        return "SELECT execution_id, flow_id, route_id, status, version, created_at, updated_at, waiting_for, wake_at,"
               + " lease_owner, lease_expires_at, last_step, attempt, parent_execution_id, business_key FROM " + prefix
               + "runs WHERE status = 'SUSPENDED' AND flow_id = 'flow-7' ORDER BY created_at, execution_id"
               + " FETCH FIRST 101 ROWS ONLY";
    }

    private static long raw(java.sql.PreparedStatement ps) throws java.sql.SQLException {
        long started = System.nanoTime();
        int rows = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rs.getString(1);
                rows++;
            }
        }
        if (rows != 101) {
            throw new IllegalStateException("expected 101 rows, read " + rows);
        }
        return System.nanoTime() - started;
    }

    private record Stats(double p50, double p90, double mean) {
        static Stats of(long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return new Stats(sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.9)] / 1e3,
                    Arrays.stream(sorted).average().orElse(0) / 1e3);
        }
    }
}
