package io.flowstate.benchmarks;

import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;

/**
 * Part 3 of {@link ThroughputSideBySide}: W3 resumes ({@code a → suspend → b}) on two repositories in the same
 * database, one holding {@code smallStore} suspended runs and one {@code largeStore}, side by side (their samples and
 * a raw UPDATE alternate, order reversed every other sample, as {@link ResumeSideBySide} does with two servers).
 */
final class ResumeComparison {

    private ResumeComparison() {
    }

    /** [small resume p50 ÷ raw p50, large resume p50 ÷ raw p50, large p50 ÷ small p50]. */
    static double[] run(ThroughputSettings settings, BenchStores stores, RawUpdates raw) throws Exception {
        System.out.printf("== 3. W3 resume until completed, %,d and %,d runs stored ==%n", settings.smallStore(),
                settings.largeStore());
        JdbcFlowSnapshotRepository small = repository(stores, "w3small_");
        JdbcFlowSnapshotRepository large = repository(stores, "w3large_");
        try (ApprovalFlow a = new ApprovalFlow(small); ApprovalFlow b = new ApprovalFlow(large)) {
            fill(a, small, settings.smallStore());
            fill(b, large, settings.largeStore());
            stores.settle();
            int samples = settings.resumes();
            long[] resumeA = new long[samples];
            long[] resumeB = new long[samples];
            long[] rawC = new long[samples];
            for (int i = -Math.max(100, samples / 3); i < samples; i++) {
                long ta;
                long tb;
                long tr;
                if (Math.floorMod(i, 2) == 0) {
                    ta = a.sample();
                    tb = b.sample();
                    tr = raw.timedUpdate(0);
                } else {
                    tr = raw.timedUpdate(0);
                    tb = b.sample();
                    ta = a.sample();
                }
                if (i >= 0) {
                    resumeA[i] = ta;
                    resumeB[i] = tb;
                    rawC[i] = tr;
                }
            }
            Latency.printHeader();
            Latency la = Latency.of(
                    String.format("resume, %,d stored", settings.smallStore()), resumeA);
            Latency lb = Latency.of(
                    String.format("resume, %,d stored", settings.largeStore()), resumeB);
            Latency lr = Latency.of("raw UPDATE alongside", rawC);
            System.out.printf("resume ÷ raw UPDATE p50: %.2fx (%,d stored), %.2fx (%,d stored); large ÷ small p50"
                              + " %.2fx, mean %.2fx%n%n", la.p50() / lr.p50(), settings.smallStore(),
                    lb.p50() / lr.p50(), settings.largeStore(), lb.p50() / la.p50(), lb.mean() / la.mean());
            return new double[] { la.p50() / lr.p50(), lb.p50() / lr.p50(), lb.p50() / la.p50() };
        } finally {
            small.stop();
            large.stop();
        }
    }

    /** A JDBC repository with default options but its own table prefix, on the given stores' DataSource. */
    private static JdbcFlowSnapshotRepository repository(BenchStores stores, String tablePrefix) {
        JdbcFlowSnapshotRepository repository = new JdbcFlowSnapshotRepository(stores.dataSource());
        repository.setTablePrefix(tablePrefix);
        repository.start();
        return repository;
    }

    /** Stores {@code runs} suspended runs: one through the route, the others copies of it. */
    private static void fill(ApprovalFlow flow, JdbcFlowSnapshotRepository repository, int runs) throws Exception {
        long started = System.nanoTime();
        FlowSnapshot model = flow.suspended();
        ResumeLatencyBenchmark.storeCopies(repository, model, runs - 1);
        System.out.printf("stored %,d suspended runs (tables %s*) in %.1f s%n", runs, repository.getTablePrefix(),
                (System.nanoTime() - started) / 1e9);
    }
}
