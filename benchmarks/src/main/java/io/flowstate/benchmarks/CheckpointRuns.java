package io.flowstate.benchmarks;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;

/**
 * The runs and step checkpoints {@link CheckpointBenchmark} writes: state of string values of {@value #VALUE_CHARS}
 * characters under keys {@code k0000}, {@code k0001}, ... (about 250 bytes of JSON per key), small step results, and
 * list items of {@value #ITEM_CHARS} characters.
 */
final class CheckpointRuns {

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    static final int VALUE_CHARS = 240;
    static final int ITEM_CHARS = 100;
    /** Step names a steady run cycles through, so its results do not grow. */
    static final int STEP_NAMES = 16;
    private static final Instant CREATED = Instant.parse("2026-11-01T00:00:00Z");
    private static final String PAD = "x".repeat(VALUE_CHARS);

    private CheckpointRuns() {
    }

    /** Number of state keys for about {@code stateBytes} bytes of state JSON. */
    static int keysFor(int stateBytes) {
        return Math.max(1, stateBytes / (VALUE_CHARS + 10));
    }

    static String key(int i) {
        return String.format("k%04d", i);
    }

    /** A state value that differs per step, always {@value #VALUE_CHARS} characters. */
    static JsonNode value(long step) {
        String n = String.format("%012d", step);
        return JSON.textNode(n + PAD.substring(n.length()));
    }

    static ObjectNode state(int keys) {
        ObjectNode state = JSON.objectNode();
        for (int i = 0; i < keys; i++) {
            state.set(key(i), value(i));
        }
        return state;
    }

    static JsonNode result(long step) {
        return JSON.objectNode().put("step", step).put("ok", true).put("by", "node-1");
    }

    static JsonNode item(long n) {
        String s = String.format("%012d", n);
        return JSON.textNode(s + "i".repeat(ITEM_CHARS - s.length()));
    }

    static ArrayNode list(int items) {
        ArrayNode list = JSON.arrayNode();
        for (int i = 0; i < items; i++) {
            list.add(item(i));
        }
        return list;
    }

    static String stepName(long n) {
        return "step-" + n;
    }

    static FlowSnapshot.Builder run(String executionId, ObjectNode state) {
        ObjectNode input = JSON.objectNode();
        input.put("body", "order-42");
        input.putObject("headers").put("source", "benchmark");
        return FlowSnapshot.builder()
                .executionId(executionId)
                .flowId("orders")
                .routeId("orders-route")
                .status(FlowStatus.RUNNING)
                .createdAt(CREATED)
                .updatedAt(CREATED)
                .input(input)
                .state(state)
                .leaseOwner("node-1")
                .leaseExpiresAt(CREATED.plusSeconds(30));
    }

    /** A run whose {@code completed} steps are done: each has its result and is in the completed steps. */
    static FlowSnapshot runAfter(String executionId, ObjectNode state, int completed) {
        ObjectNode results = JSON.objectNode();
        String[] steps = new String[completed];
        for (int i = 0; i < completed; i++) {
            steps[i] = stepName(i);
            results.set(steps[i], result(i));
        }
        return run(executionId, state).results(results).completedSteps(List.of(steps)).build();
    }

    /** A run as a steady loop leaves it: a result for each of the {@value #STEP_NAMES} step names it cycles through. */
    static FlowSnapshot steadyRun(String executionId, ObjectNode state) {
        ObjectNode results = JSON.objectNode();
        for (int i = 0; i < STEP_NAMES; i++) {
            results.set(stepName(i), result(i));
        }
        return run(executionId, state).results(results).build();
    }

    /** Step {@code n} of a steady loop: one state key changed, the result of one of its step names replaced. */
    static FlowSnapshotDelta steadyStep(long n, int keys) {
        return FlowSnapshotDelta.builder().updatedAt(Instant.now())
                .setState(key((int) (n % keys)), value(n))
                .result(stepName(n % STEP_NAMES), result(n))
                .build();
    }

    /** Step {@code n} of a run that keeps going: one state key changed, a new result, one more completed step. */
    static FlowSnapshotDelta newStep(long n, int keys) {
        String step = stepName(n);
        return FlowSnapshotDelta.builder().updatedAt(Instant.now())
                .setState(key((int) (n % keys)), value(n))
                .result(step, result(n))
                .completedStep(step)
                .build();
    }

    /** Step {@code n} of a run that appends one item per step to its list {@code items}. */
    static FlowSnapshotDelta appendStep(long n) {
        return FlowSnapshotDelta.builder().updatedAt(Instant.now())
                .appendState("items", item(n))
                .result(stepName(n % STEP_NAMES), result(n))
                .build();
    }
}
