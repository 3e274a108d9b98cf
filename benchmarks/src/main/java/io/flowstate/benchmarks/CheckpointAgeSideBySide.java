package io.flowstate.benchmarks;

import java.util.Arrays;

import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;

/**
 * Issue 3's second series, side by side: a step checkpoint of a young run (fewer than {@value #YOUNG_LIMIT} steps
 * completed) against one of an old run ({@code old} steps completed, 10,000 by default), in the same store, round after
 * round in alternating order, so both see the same disk and background load. Both runs go on adding a result and a
 * completed step per checkpoint, compactions included; the young one is replaced (not timed) whenever it reaches
 * {@value #YOUNG_LIMIT} steps. A checkpoint writes what changed, so the old run's should cost what the young one's
 * does; only its compactions (every {@code compactAfterDeltas} deltas) write its larger document.
 * <p>
 * Run: {@code java -cp benchmarks/target/benchmarks.jar io.flowstate.benchmarks.CheckpointAgeSideBySide [rounds] [old]
 * [file,h2,postgres]}
 */
public final class CheckpointAgeSideBySide {

    private static final int YOUNG_LIMIT = 100;

    private CheckpointAgeSideBySide() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int old = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        String[] media = (args.length > 2 ? args[2] : "file,h2,postgres").split(",");
        System.out.printf("%-9s %-16s %9s %9s %9s%n", "medium", "steps completed", "p50 us", "p90 us", "mean us");
        for (String medium : media) {
            try (CheckpointStore store = CheckpointStore.open(medium)) {
                measure(medium, store.repository, rounds, old);
            }
        }
    }

    private static void measure(String medium, FlowSnapshotRepository repo, int rounds, int old) {
        int keys = CheckpointRuns.keysFor(1024);
        Run young = new Run(repo, "young", keys, 0);
        Run aged = new Run(repo, "old", keys, old);
        long[] youngNanos = new long[rounds];
        long[] oldNanos = new long[rounds];
        int warmup = Math.max(500, rounds / 3);
        for (int r = -warmup; r < rounds; r++) {
            if (young.steps >= YOUNG_LIMIT) {
                young.replace();
            }
            long a;
            long b;
            if ((r & 1) == 0) {
                a = young.checkpoint();
                b = aged.checkpoint();
            } else {
                b = aged.checkpoint();
                a = young.checkpoint();
            }
            if (r >= 0) {
                youngNanos[r] = a;
                oldNanos[r] = b;
            }
        }
        double[] y = print(medium, "0-" + YOUNG_LIMIT, youngNanos);
        double[] o = print(medium, old + "-" + aged.steps, oldNanos);
        System.out.printf("%-9s %-16s %9.2f %9.2f %9.2f   (old run document %,d B at the start)%n", medium, "ratio",
                o[0] / y[0], o[1] / y[1], o[2] / y[2], aged.startBytes);
    }

    private static double[] print(String medium, String label, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double[] figures = { sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.9)] / 1e3,
                Arrays.stream(sorted).average().orElse(0) / 1e3 };
        System.out.printf("%-9s %-16s %9.1f %9.1f %9.1f  max %.1f ms%n", medium, label, figures[0], figures[1],
                figures[2], sorted[sorted.length - 1] / 1e6);
        return figures;
    }

    /** A stored run that completes one more step per checkpoint. */
    private static final class Run {

        private final FlowSnapshotRepository repo;
        private final String name;
        private final int keys;
        private final int startSteps;
        private String id;
        private int generation;
        private long version;
        long steps;
        int startBytes;

        Run(FlowSnapshotRepository repo, String name, int keys, int startSteps) {
            this.repo = repo;
            this.name = name;
            this.keys = keys;
            this.startSteps = startSteps;
            replace();
        }

        /** Removes this run (if any) and stores a new one with {@code startSteps} steps completed; not timed. */
        void replace() {
            if (id != null) {
                repo.delete(id, version);
            }
            id = name + "-" + (++generation);
            FlowSnapshot run = CheckpointRuns.runAfter(id, CheckpointRuns.state(keys), startSteps);
            version = repo.save(run, 0);
            steps = startSteps;
            startBytes = new FlowSnapshotCodec().encode(run, version).length;
        }

        /** One step checkpoint (ns). */
        long checkpoint() {
            long started = System.nanoTime();
            version = repo.saveDelta(id, CheckpointRuns.newStep(steps, keys), version);
            long took = System.nanoTime() - started;
            steps++;
            return took;
        }
    }
}
