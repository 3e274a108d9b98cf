package io.flowstate.benchmarks;

import java.time.Duration;
import java.time.Instant;

import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;

/**
 * Part 2 of {@link ThroughputSideBySide}, one run alone: (a) a step checkpoint on the repository ({@code saveDelta}
 * of a steady step, as {@link CheckpointPairs}) and (b) a W1 run through the route, each alternating with one raw
 * UPDATE (order reversed every other round), after a warm-up.
 */
final class AloneComparison {

    private static final String RUN = "alone-1";

    private AloneComparison() {
    }

    /** [checkpoint p50 ÷ raw p50, checkpoint mean ÷ raw mean, W1 step ÷ raw p50]. */
    static double[] run(ThroughputSettings settings, FlowSnapshotRepository repository, RawUpdates raw,
                        TenStepFlow flow) throws Exception {
        int pairs = settings.pairs();
        int keys = CheckpointRuns.keysFor(settings.stateBytes());
        // leased for a day: the component's recovery must not take this run, whose route is not in the context
        FlowSnapshot alone = CheckpointRuns.steadyRun(RUN, CheckpointRuns.state(keys)).toBuilder()
                .leaseExpiresAt(Instant.now().plus(Duration.ofDays(1))).build();
        long version = repository.save(alone, 0);
        long[] checkpoint = new long[pairs];
        long[] rawA = new long[pairs];
        long step = keys;
        for (int r = -Math.max(300, pairs / 3); r < pairs; r++) {
            boolean rawFirst = Math.floorMod(r, 2) == 1;
            long rawTook = rawFirst ? raw.timedUpdate(0) : 0;
            long started = System.nanoTime();
            version = repository.saveDelta(RUN, CheckpointRuns.steadyStep(step++, keys), version);
            long took = System.nanoTime() - started;
            if (!rawFirst) {
                rawTook = raw.timedUpdate(0);
            }
            if (r >= 0) {
                checkpoint[r] = took;
                rawA[r] = rawTook;
            }
        }
        repository.delete(RUN, version);
        int runs = settings.singleRuns();
        long[] perStep = new long[runs];
        long[] rawB = new long[runs];
        for (int r = -Math.max(100, runs / 5); r < runs; r++) {
            boolean rawFirst = Math.floorMod(r, 2) == 1;
            long rawTook = rawFirst ? raw.timedUpdate(0) : 0;
            long started = System.nanoTime();
            flow.run();
            long took = (System.nanoTime() - started) / TenStepRoutes.STEPS;
            if (!rawFirst) {
                rawTook = raw.timedUpdate(0);
            }
            if (r >= 0) {
                perStep[r] = took;
                rawB[r] = rawTook;
            }
        }
        System.out.println("== 2. one run alone ==");
        Latency.printHeader();
        Latency cp = Latency.of("(a) step checkpoint (saveDelta)", checkpoint);
        Latency rawPairs = Latency.of("(a) raw UPDATE alongside", rawA);
        Latency flowStep = Latency.of("(b) W1 run ÷ 10 steps", perStep);
        Latency rawFlow = Latency.of("(b) raw UPDATE alongside", rawB);
        System.out.printf("(a) checkpoint ÷ raw UPDATE: %.2fx p50, %.2fx mean (%d pairs, %d state keys)%n",
                cp.p50() / rawPairs.p50(), cp.mean() / rawPairs.mean(), pairs, keys);
        System.out.printf("(b) W1 step ÷ raw UPDATE p50: %.2fx (%d runs)%n%n", flowStep.p50() / rawFlow.p50(), runs);
        return new double[] { cp.p50() / rawPairs.p50(), cp.mean() / rawPairs.mean(), flowStep.p50() / rawFlow.p50() };
    }
}
