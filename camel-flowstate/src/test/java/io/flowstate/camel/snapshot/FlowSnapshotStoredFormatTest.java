package io.flowstate.camel.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stored documents stay byte for byte what camel-flowstate wrote before its run fields were listed once in
 * {@link RunField}: the files under {@code src/test/resources/snapshot/} were written by that earlier code, and are read
 * back to the same runs and deltas.
 */
class FlowSnapshotStoredFormatTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");
    private final FlowSnapshotCodec codec = new FlowSnapshotCodec();

    /** Every field set, timestamps to the microsecond. */
    static FlowSnapshot fullRun() {
        return FlowSnapshot.builder().executionId("run-1").flowId("orders").routeId("route-a")
                .status(FlowStatus.SUSPENDED).version(3).createdAt(T0).updatedAt(T0.plusSeconds(5))
                .input(input())
                .state(JSON.objectNode().put("total", new BigDecimal("10.50")).put("n", 2))
                .results(JSON.objectNode().put("step-1", "done"))
                .completedSteps(List.of("step-1", "step-2"))
                .waitingFor("approval").wakeAt(T0.plusSeconds(60)).resumeTokenHash("hash")
                .resourceNames(List.of("db", "mail")).leaseOwner("node-a").leaseExpiresAt(T0.plusSeconds(30))
                .parentExecutionId("parent-1").contextId("ctx-1").failure("boom").build();
    }

    private static ObjectNode input() {
        ObjectNode input = JSON.objectNode();
        input.put("body", "in");
        input.set("headers", JSON.objectNode().put("h", 1));
        return input;
    }

    /** Only the required fields: the others are left out of the document. */
    static FlowSnapshot minimalRun() {
        return FlowSnapshot.builder().executionId("run-2").flowId("orders").createdAt(T0).build();
    }

    /** Replaces every field a delta can replace, with values. */
    static FlowSnapshotDelta fullDelta() {
        return FlowSnapshotDelta.builder().updatedAt(T0.plusSeconds(7)).clearState()
                .removeState("old").setState("a", JSON.numberNode(1)).result("step-3", JSON.textNode("x"))
                .completedStep("step-3").status(FlowStatus.FAILED).waitingFor("again").wakeAt(T0.plusSeconds(90))
                .resumeTokenHash("hash-2").resourceNames(List.of("db")).lease("node-b", T0.plusSeconds(40))
                .failure("broken").build();
    }

    /** Clears every field a delta can clear, and appends (format 2). */
    static FlowSnapshotDelta clearingDelta() {
        return FlowSnapshotDelta.builder().updatedAt(T0.plusSeconds(8)).appendState("log", JSON.numberNode(7))
                .status(FlowStatus.RUNNING).waitingFor(null).wakeAt(null).resumeTokenHash(null)
                .resourceNames(null).lease(null, null).failure(null).build();
    }

    @Test
    void aFullRunIsWrittenAndReadAsBefore() throws IOException {
        String stored = resource("run-full.json");

        assertThat(new String(codec.encode(fullRun(), 3), StandardCharsets.UTF_8)).isEqualTo(stored);
        assertThat(codec.decode(bytes(stored), "run-1", "run-full.json")).isEqualTo(fullRun());
    }

    @Test
    void aMinimalRunIsWrittenAndReadAsBefore() throws IOException {
        String stored = resource("run-minimal.json");

        assertThat(new String(codec.encode(minimalRun(), 1), StandardCharsets.UTF_8)).isEqualTo(stored);
        assertThat(codec.decode(bytes(stored), "run-2", "run-minimal.json")).isEqualTo(minimalRun().withVersion(1));
    }

    @Test
    void aDeltaReplacingEveryFieldIsWrittenAndReadAsBefore() throws IOException {
        assertDeltaStoredAs(fullDelta(), "delta-full.json");
    }

    @Test
    void aDeltaClearingEveryFieldAndAppendingIsWrittenAndReadAsBefore() throws IOException {
        assertDeltaStoredAs(clearingDelta(), "delta-clearing.json");
    }

    private void assertDeltaStoredAs(FlowSnapshotDelta delta, String name) throws IOException {
        String stored = resource(name);
        byte[] data = bytes(stored);

        assertThat(new String(codec.encodeDelta("run-1", delta, 4), StandardCharsets.UTF_8)).isEqualTo(stored);
        assertThat(codec.decodeDelta(data, 0, data.length, "run-1", name).delta()).isEqualTo(delta);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = FlowSnapshotStoredFormatTest.class.getResourceAsStream("/snapshot/" + name)) {
            assertThat(in).as("test resource snapshot/%s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
