package io.flowstate.camel.recovery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.VersionedValue;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Crash recovery (issue 4, item 7): a node running the ten-step {@link CrashFlow} is killed with SIGKILL in the middle
 * of its runs; a new node on the same repository (file, and H2 in file mode) takes the runs over once their leases
 * expire and completes them. Each run must end COMPLETED with its execution state and step results exact, and every
 * step's effects (an fsync'ed line in an effects file, a {@code persistent} counter in the repository) applied at least
 * once: exactly once for the steps the run had checkpointed, twice for the step a kill interrupted after its effects
 * but before its checkpoint (at-least-once, as documented).
 * <p>
 * Runs stop at chosen points (the child blocks there) before the kill, so where each kill lands is known; nothing
 * waits on time except bounded polls. The file repository's lock of a killed node is released by the operating system:
 * the next node opens the same directory.
 */
class RecoveryAfterKillTest {

    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(60);
    /** In an expectation: the step ran once or twice, as the kill came before or after its effects. */
    private static final int ONCE_OR_TWICE = 0;

    @TempDir
    Path dir;

    /**
     * One kill, four runs stopped at different points: inside step 5 after its effects (s5 runs twice), between steps
     * 4 and 5 after the checkpoint of 4, inside step 1 (only the start snapshot stored), after the last step before
     * the run completed.
     */
    @ParameterizedTest(name = "{0} repository")
    @ValueSource(strings = { "file", "h2" })
    void runsOfAKilledNodeAreRecoveredAndCompleteWithExactState(String kind) throws Exception {
        CrashFlow.Store store = store(kind, "one-kill");
        Path effects = dir.resolve("one-kill-effects.txt");
        Map<String, String> stops = new LinkedHashMap<>();
        stops.put("order-1", "in:5");
        stops.put("order-2", "after:4");
        stops.put("order-3", "in:1");
        stops.put("order-4", "after:10");

        ChildNode child = ChildNode.start(store, effects, "start", stops);
        Map<String, String> ids;
        try {
            ids = child.awaitStopped(stops);
        } finally {
            child.kill();
        }

        // what the killed node left: RUNNING, checkpointed up to the last completed step (the lock file is free)
        try (CrashFlow.StoreReader left = CrashFlow.read(store)) {
            assertLeftRunning(left.repository, ids.get("order-1"), 4);
            assertLeftRunning(left.repository, ids.get("order-2"), 4);
            assertLeftRunning(left.repository, ids.get("order-3"), 0);
            assertLeftRunning(left.repository, ids.get("order-4"), 10);
        }

        recoverAndCheck(store, effects, ids, Map.of(
                "order-1", twiceAt(5),
                "order-2", twiceAt(),
                "order-3", twiceAt(1),
                "order-4", twiceAt()));
    }

    /**
     * Two kills in a row: the first node dies inside step 3, the node that recovers the run dies inside step 7, a
     * third node completes it. Steps 3 and 7 ran twice, every other step once.
     */
    @ParameterizedTest(name = "{0} repository")
    @ValueSource(strings = { "file", "h2" })
    void aRunSurvivesTheKillOfTheNodeThatWasRecoveringIt(String kind) throws Exception {
        CrashFlow.Store store = store(kind, "two-kills");
        Path effects = dir.resolve("two-kills-effects.txt");

        ChildNode first = ChildNode.start(store, effects, "start", Map.of("order-5", "in:3"));
        String id;
        try {
            id = first.awaitStopped(Map.of("order-5", "in:3")).get("order-5");
        } finally {
            first.kill();
        }
        // a new JVM opens the same store (file: its lock was released by the kill) and recovers the run
        ChildNode second = ChildNode.start(store, effects, "recover", Map.of("order-5", "in:7"));
        try {
            assertThat(second.awaitStopped(Map.of("order-5", "in:7"))).containsEntry("order-5", id);
        } finally {
            second.kill();
        }
        try (CrashFlow.StoreReader left = CrashFlow.read(store)) {
            assertLeftRunning(left.repository, id, 6);
        }

        recoverAndCheck(store, effects, Map.of("order-5", id), Map.of("order-5", twiceAt(3, 7)));
    }

    /**
     * Kills at a point nobody chose: six runs go through the flow at once and the node is killed as soon as one of
     * them passed step 3 (second round: is inside step 6), wherever the others are (inside a step, inside a checkpoint write, done). Per run, with C the
     * steps it had checkpointed when the kill came: steps 1..C ran exactly once, step C+1 once or twice (the kill may
     * have come after some of its effects), every later step exactly once. Two rounds per repository.
     */
    @ParameterizedTest(name = "{0} repository")
    @ValueSource(strings = { "file", "h2" })
    void runsKilledWhereverTheyAreAreRecovered(String kind) throws Exception {
        for (int round = 1; round <= 2; round++) {
            CrashFlow.Store store = store(kind, "anywhere-" + round);
            Path effects = dir.resolve("anywhere-" + round + "-effects.txt");
            Map<String, String> runs = new LinkedHashMap<>();
            IntStream.rangeClosed(1, 6).forEach(i -> runs.put("order-" + i, "never"));

            String trigger = round == 1 ? " after:3" : " in:6";
            ChildNode child = ChildNode.start(store, effects, "start", runs);
            try {
                child.awaitLine("a run at" + trigger, line -> line.startsWith("@@ reached ") && line.endsWith(trigger));
            } finally {
                child.kill();
            }

            Map<String, String> ids = new LinkedHashMap<>();
            Map<String, Integer> checkpointed = new HashMap<>();
            try (CrashFlow.StoreReader left = CrashFlow.read(store)) {
                for (FlowSnapshotSummary run : left.repository.find(
                        FlowSnapshotQuery.builder().flowId(CrashFlow.FLOW).pageSize(100).build()).items()) {
                    FlowSnapshot stored = left.repository.load(run.executionId()).orElseThrow();
                    String order = stored.input().path("headers").path(CrashFlow.ORDER).asText();
                    ids.put(order, run.executionId());
                    checkpointed.put(order, stored.completedSteps().size());
                    assertThat(stored.completedSteps()).containsExactlyElementsOf(steps(stored.completedSteps().size()));
                }
            }
            assertThat(checkpointed.values()).as("steps checkpointed per run when the kill came: some run was"
                                                 + " in the middle").anyMatch(c -> c < CrashFlow.STEPS);
            System.out.println("kill " + kind + " round " + round + " (at" + trigger + "): steps checkpointed by run "
                               + new TreeMap<>(checkpointed));

            Map<String, Map<Integer, Integer>> expected = new HashMap<>();
            checkpointed.forEach((order, c) -> expected.put(order, c < CrashFlow.STEPS ? onceOrTwiceAt(c + 1) : twiceAt()));
            recoverAndCheck(store, effects, ids, expected);
        }
    }

    private CrashFlow.Store store(String kind, String name) {
        Path at = dir.resolve(name);
        return kind.equals("file") ? CrashFlow.Store.file(at) : CrashFlow.Store.h2(at);
    }

    /** Expected times each step ran: twice at the given steps, once elsewhere (none given: once everywhere). */
    private static Map<Integer, Integer> twiceAt(int... steps) {
        Map<Integer, Integer> expected = new HashMap<>();
        IntStream.rangeClosed(1, CrashFlow.STEPS).forEach(i -> expected.put(i, 1));
        for (int step : steps) {
            expected.put(step, 2);
        }
        return expected;
    }

    /** Once everywhere, but at {@code step} once or twice (marked 0). */
    private static Map<Integer, Integer> onceOrTwiceAt(int step) {
        Map<Integer, Integer> expected = twiceAt();
        expected.put(step, ONCE_OR_TWICE);
        return expected;
    }

    private static void assertLeftRunning(FlowSnapshotRepository repository, String id, int checkpointedSteps) {
        FlowSnapshot left = repository.load(id).orElseThrow();
        assertThat(left.status()).as("status of %s after the kill", id).isEqualTo(FlowStatus.RUNNING);
        assertThat(left.leaseOwner()).isNotNull();
        assertThat(left.completedSteps()).as("steps checkpointed by %s before the kill", id)
                .containsExactlyElementsOf(steps(checkpointedSteps));
        assertThat(left.state().path("sum").asInt())
                .isEqualTo(IntStream.rangeClosed(1, checkpointedSteps).sum());
    }

    /** A node in this JVM on the same store takes the runs over and completes them; then everything is checked. */
    private static void recoverAndCheck(CrashFlow.Store store, Path effects, Map<String, String> ids,
                                        Map<String, Map<Integer, Integer>> expectedRuns) throws Exception {
        try (CrashFlow.Node node = new CrashFlow.Node(store, effects, (order, id, point) -> {
        }).start()) {
            FlowSnapshotRepository repository = node.repository();
            await("runs " + ids.values() + " recovered and COMPLETED").atMost(RECOVERY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> ids.values().stream().allMatch(
                            id -> repository.load(id).orElseThrow().status() == FlowStatus.COMPLETED));

            Map<String, Integer> effectLines = CrashFlow.EffectsFile.counts(effects);
            for (Map.Entry<String, String> run : ids.entrySet()) {
                String order = run.getKey();
                String id = run.getValue();
                FlowSnapshot done = repository.load(id).orElseThrow();
                // the run's own state and results are exact, whatever ran twice
                assertThat(done.failure()).isNull();
                assertThat(done.completedSteps()).containsExactlyElementsOf(steps(CrashFlow.STEPS));
                assertThat(done.state().get("sum").asInt()).as("state.sum of %s", order).isEqualTo(55);
                assertThat(ints(done.state().get("visited"))).as("state.visited of %s", order)
                        .containsExactlyElementsOf(IntStream.rangeClosed(1, CrashFlow.STEPS).boxed().toList());
                for (int i = 1; i <= CrashFlow.STEPS; i++) {
                    assertThat(done.results().get("s" + i).asText()).isEqualTo(CrashFlow.trail(order, i));
                }
                // effects outside the run: at least once, exactly as many times as the step ran
                Map<Integer, Integer> expected = expectedRuns.get(order);
                for (int i = 1; i <= CrashFlow.STEPS; i++) {
                    int lines = effectLines.getOrDefault(order + " s" + i, 0);
                    long counter = repository.getValue(CrashFlow.FLOW, CrashFlow.effectKey(id, i))
                            .map(VersionedValue::value).map(JsonNode::asLong).orElse(0L);
                    if (expected.get(i) == ONCE_OR_TWICE) {
                        // the kill may have come between the two effects: the counter never counts more than the file
                        assertThat(lines).as("effect lines of %s step s%d", order, i).isBetween(1, 2);
                        assertThat(counter).as("persistent counter of %s step s%d", order, i).isBetween(1L, (long) lines);
                    } else {
                        assertThat(lines).as("effect lines of %s step s%d", order, i).isEqualTo(expected.get(i));
                        assertThat(counter).as("persistent counter of %s step s%d", order, i).isEqualTo(lines);
                    }
                }
            }
        }
    }

    private static List<String> steps(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "s" + i).toList();
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asInt()));
        return values;
    }
}
