package io.flowstate.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;

/**
 * The JDBC repository's group commit on its own, at the repository level: step checkpoints ({@code saveDelta} of
 * {@link CheckpointRuns#steadyStep}, each writer on a run of its own) per second with {@code writers} threads, on a
 * repository with the given {@code groupCommitThreshold} and on one that never groups, against the raw limit (8
 * clients doing versioned single-row UPDATEs of an ~850 B document, {@link RawUpdates}); one embedded PostgreSQL with
 * fsync on, one pool, phases interleaved round after round so all see the same background load.
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.flowstate.benchmarks.GroupCommitSideBySide [rounds] [seconds]
 *     [groupCommitThreshold] [writers...]
 * </pre>
 * Defaults: 4 rounds of 5-second phases, the threshold's default 8, 8 and 32 writers; the first round is a warm-up
 * and not counted.
 */
public final class GroupCommitSideBySide {

    private static final int NO_GROUPS = Integer.MAX_VALUE;

    private GroupCommitSideBySide() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        Duration phase = Duration.ofSeconds(args.length > 1 ? Integer.parseInt(args[1]) : 5);
        int threshold = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int[] writers = args.length > 3 ? Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] { 8, 32 };
        int poolSize = Arrays.stream(writers).max().orElse(8) + 2;
        System.out.printf("GroupCommitSideBySide %d rounds of %d s phases, groupCommitThreshold %d, writers %s,"
                          + " pool %d%n", rounds, phase.toSeconds(), threshold, Arrays.toString(writers), poolSize);
        try (BenchStores stores = BenchStores.open("postgres", poolSize)) {
            JdbcFlowSnapshotRepository grouped = (JdbcFlowSnapshotRepository) stores.repository;
            grouped.stop();
            grouped.setGroupCommitThreshold(threshold);
            grouped.start();
            JdbcFlowSnapshotRepository alone = new JdbcFlowSnapshotRepository(stores.dataSource());
            alone.setGroupCommitThreshold(NO_GROUPS);
            alone.start();
            int keys = CheckpointRuns.keysFor(850);
            RawUpdates raw = new RawUpdates(stores.dataSource(), 8, new String[] { "x".repeat(849) });
            CpuMeter cpu = new CpuMeter().process(ThroughputPhase.JVM, ProcessHandle.current().pid())
                    .processTree(ThroughputPhase.POSTGRES, stores.postmasterPid());
            List<double[]> rates = new ArrayList<>(); // per round: raw, then per writers count: alone, grouped
            for (int round = 0; round < rounds; round++) {
                double[] rate = new double[1 + 2 * writers.length];
                rate[0] = ThroughputPhase.run(8, phase, cpu, raw::update).perSecond();
                for (int w = 0; w < writers.length; w++) {
                    int r = round;
                    for (int g = 0; g < 2; g++) {
                        JdbcFlowSnapshotRepository repository = g == 0 ? alone : grouped;
                        String prefix = "gc-" + r + "-" + writers[w] + "-" + g + "-";
                        long[] versions = new long[writers[w]];
                        long[] steps = new long[writers[w]];
                        for (int t = 0; t < writers[w]; t++) {
                            versions[t] = repository.save(CheckpointRuns.steadyRun(prefix + t, CheckpointRuns.state(keys)),
                                    0);
                        }
                        rate[1 + 2 * w + g] = ThroughputPhase.run(writers[w], phase, cpu, t -> {
                            versions[t] = repository.saveDelta(prefix + t, CheckpointRuns.steadyStep(steps[t]++, keys),
                                    versions[t]);
                            return 1;
                        }).perSecond();
                    }
                }
                System.out.printf("round %d%s: raw x8 %,.0f/s", round, round == 0 ? " (warm-up)" : "", rate[0]);
                for (int w = 0; w < writers.length; w++) {
                    System.out.printf("; %d writers alone %,.0f/s, grouped %,.0f/s", writers[w], rate[1 + 2 * w],
                            rate[2 + 2 * w]);
                }
                System.out.println();
                if (round > 0) {
                    rates.add(rate);
                }
            }
            alone.stop();
            System.out.println("medians over the counted rounds:");
            double rawMedian = median(rates, 0);
            System.out.printf("raw UPDATE x8: %,.0f/s%n", rawMedian);
            for (int w = 0; w < writers.length; w++) {
                double a = median(rates, 1 + 2 * w);
                double g = median(rates, 2 + 2 * w);
                System.out.printf("%d writers: each alone %,.0f checkpoints/s (%.2fx raw), groupCommitThreshold=%d"
                                  + " %,.0f/s (%.2fx raw); grouped / alone %.2fx%n",
                        writers[w], a, a / rawMedian, grouped.getGroupCommitThreshold(), g, g / rawMedian, g / a);
            }
        }
    }

    private static double median(List<double[]> rows, int column) {
        double[] values = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return values.length == 0 ? 0 : values[values.length / 2];
    }
}
