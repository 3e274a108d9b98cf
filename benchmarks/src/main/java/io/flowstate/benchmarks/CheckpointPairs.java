package io.flowstate.benchmarks;

import java.util.Arrays;

import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;

/**
 * A companion to {@link CheckpointBenchmark} for shared, noisy machines: on one medium at a time it interleaves a
 * step checkpoint, a raw write of the whole run document and a full save (of a twin run, so the checkpointed run
 * accumulates deltas and is compacted as in a real flow), round after round, so all three see the same background
 * load, and prints the median, 90th percentile and mean of each and the ratios of the medians and means. Same
 * run and step as {@code CheckpointBenchmark.checkpoint} (about 1 KB of state by default).
 * <p>
 * Run: {@code java -cp benchmarks/target/benchmarks.jar io.flowstate.benchmarks.CheckpointPairs [rounds] [stateBytes]
 * [file,h2,postgres]}
 */
public final class CheckpointPairs {

    private CheckpointPairs() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int stateBytes = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        String[] media = (args.length > 2 ? args[2] : "file,h2,postgres").split(",");
        System.out.printf("%-9s %-11s %9s %9s %9s%n", "medium", "operation", "p50 us", "p90 us", "mean us");
        for (String medium : media) {
            try (CheckpointStore store = CheckpointStore.open(medium)) {
                measure(medium, store, rounds, stateBytes);
            }
        }
    }

    private static void measure(String medium, CheckpointStore store, int rounds, int stateBytes) throws Exception {
        FlowSnapshotRepository repo = store.repository;
        int keys = CheckpointRuns.keysFor(stateBytes);
        FlowSnapshot snapshot = CheckpointRuns.steadyRun("pairs-1", CheckpointRuns.state(keys));
        long version = repo.save(snapshot, 0);
        // full saves go to a twin run: the checkpointed run accumulates deltas and compacts as in a real flow
        FlowSnapshot twin = CheckpointRuns.steadyRun("pairs-2", CheckpointRuns.state(keys));
        long twinVersion = repo.save(twin, 0);
        byte[] document = new FlowSnapshotCodec().encode(snapshot, version);
        long[][] nanos = new long[3][rounds];
        long step = keys;
        int warmup = Math.max(500, rounds / 3);
        for (int r = -warmup; r < rounds; r++) {
            for (int k = 0; k < 3; k++) {
                int op = Math.floorMod(r + k, 3); // rotate the order so no operation always follows another
                long start = System.nanoTime();
                switch (op) {
                    case 0 -> version = repo.saveDelta("pairs-1", CheckpointRuns.steadyStep(step++, keys), version);
                    case 1 -> store.raw.write(document);
                    default -> twinVersion = repo.save(twin, twinVersion);
                }
                long took = System.nanoTime() - start;
                if (r >= 0) {
                    nanos[op][r] = took;
                }
            }
        }
        String[] names = { "checkpoint", "rawWrite", "fullSave" };
        double[] p50 = new double[3];
        double[] mean = new double[3];
        for (int op = 0; op < 3; op++) {
            long[] sorted = nanos[op].clone();
            Arrays.sort(sorted);
            p50[op] = sorted[rounds / 2] / 1000.0;
            mean[op] = Arrays.stream(sorted).average().orElse(0) / 1000.0;
            System.out.printf("%-9s %-11s %9.1f %9.1f %9.1f%n", medium, names[op], p50[op],
                    sorted[(int) (rounds * 0.9)] / 1000.0, mean[op]);
        }
        System.out.printf("%-9s checkpoint/raw %.2fx (mean %.2fx), fullSave/raw %.2fx (medians; %d rounds, run document"
                          + " %d B)%n",
                medium, p50[0] / p50[1], mean[0] / mean[1], p50[2] / p50[1], rounds, document.length);
    }
}
