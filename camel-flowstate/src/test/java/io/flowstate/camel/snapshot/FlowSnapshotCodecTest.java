package io.flowstate.camel.snapshot;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JSON codec reads plain JSON only, within limits, and names the run and the place in every error.
 */
class FlowSnapshotCodecTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private final FlowSnapshotCodec codec = new FlowSnapshotCodec(64 * 1024);

    private static FlowSnapshot snapshot(ObjectNode state) {
        return FlowSnapshot.builder().executionId("run-1").flowId("orders").status(FlowStatus.RUNNING)
                .createdAt(Instant.parse("2026-01-01T00:00:00Z")).state(state).build();
    }

    private FlowSnapshot decode(String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8), "run-1", "test.json");
    }

    @Test
    void aSnapshotRoundTripsWithTheVersionItWasEncodedWith() {
        FlowSnapshot s = snapshot(JSON.objectNode().put("a", 1));

        FlowSnapshot back = codec.decode(codec.encode(s, 7), "run-1", "test.json");

        assertThat(back).isEqualTo(s.withVersion(7));
    }

    @Test
    void theAttemptIsWrittenOnlyFromTheSecondOn() {
        FlowSnapshot first = snapshot(JSON.objectNode());
        FlowSnapshot restarted = first.toBuilder().attempt(2).build();

        assertThat(new String(codec.encode(first, 1), StandardCharsets.UTF_8)).doesNotContain("attempt");
        assertThat(new String(codec.encode(restarted, 2), StandardCharsets.UTF_8)).contains("\"attempt\":2");
        assertThat(codec.decode(codec.encode(restarted, 2), "run-1", "test.json").attempt()).isEqualTo(2);
        assertThatThrownBy(() -> first.toBuilder().attempt(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be 1 or more, not 0");
    }

    @Test
    void aDeltaRoundTripsWithItsVersion() {
        FlowSnapshotDelta d = FlowSnapshotDelta.builder().updatedAt(Instant.parse("2026-01-01T00:00:01Z"))
                .clearState().setState("a", JSON.numberNode(1)).removeState("b").result("s1", JSON.textNode("x"))
                .completedStep("s1").status(FlowStatus.SUSPENDED).waitingFor("approval").wakeAt(null)
                .resumeTokenHash("h").resourceNames(List.of("db")).lease(null, null).failure(null).build();

        byte[] data = codec.encodeDelta("run-1", d, 5);
        FlowSnapshotCodec.StoredDelta back = codec.decodeDelta(data, 0, data.length, "run-1", "test.log");

        assertThat(back.version()).isEqualTo(5);
        assertThat(back.delta()).isEqualTo(d);
    }

    @Test
    void aDeltaWithAppendsRoundTripsInFormatTwo() {
        FlowSnapshotDelta d = FlowSnapshotDelta.builder().updatedAt(Instant.parse("2026-01-01T00:00:01Z"))
                .setState("a", JSON.numberNode(1)).appendState("log", JSON.objectNode().put("n", 1))
                .appendState("log", JSON.textNode("two")).appendState("other", JSON.nullNode()).build();

        byte[] data = codec.encodeDelta("run-1", d, 5);
        FlowSnapshotCodec.StoredDelta back = codec.decodeDelta(data, 0, data.length, "run-1", "test.log");

        assertThat(new String(data, StandardCharsets.UTF_8)).startsWith("{\"formatVersion\":2,")
                .contains("\"stateAppended\":{\"log\":[{\"n\":1},\"two\"],\"other\":[null]}");
        assertThat(back.delta()).isEqualTo(d);
        assertThat(back.delta().stateAppended().get("log")).hasSize(2);
    }

    @Test
    void decimalsAreWrittenSoThatTheyReadBackExactWithTheirScale() {
        ObjectNode state = JSON.objectNode().put("precise", new BigDecimal("1.123456789012345678"))
                .put("cents", new BigDecimal("10.50")).put("whole", new BigDecimal("5")).put("thousand", new BigDecimal("1E+3"))
                .put("count", 5);

        byte[] data = codec.encode(snapshot(state), 1);
        ObjectNode back = codec.decode(data, "run-1", "test.json").state();

        assertThat(new String(data, StandardCharsets.UTF_8))
                .contains("{\"precise\":1.123456789012345678,\"cents\":10.50,\"whole\":5E0,\"thousand\":1E+3,\"count\":5}");
        assertThat(back.get("precise").decimalValue()).isEqualTo(new BigDecimal("1.123456789012345678"));
        assertThat(back.get("cents").decimalValue()).isEqualTo(new BigDecimal("10.50"));
        assertThat(back.get("whole").decimalValue()).isEqualTo(new BigDecimal("5"));
        assertThat(back.get("whole").isBigDecimal()).isTrue();
        assertThat(back.get("thousand").decimalValue()).isEqualTo(new BigDecimal("1E+3"));
        assertThat(back.get("count").isInt()).isTrue();
    }

    @Test
    void numbersWrittenByOtherCodeReadAsExactDecimalsOrWholeNumbers() {
        JsonNode value = codec.decodeValue("[0.5, 10.50, 7, 1e2, 3000000000, -0.0]".getBytes(StandardCharsets.UTF_8), "v");

        assertThat(value.get(0).decimalValue()).isEqualTo(new BigDecimal("0.5"));
        assertThat(value.get(1).decimalValue()).isEqualTo(new BigDecimal("10.50"));
        assertThat(value.get(2).isInt()).isTrue();
        assertThat(value.get(3).decimalValue()).isEqualTo(new BigDecimal("1E+2"));
        assertThat(value.get(4).isLong()).isTrue();
        assertThat(value.get(5).decimalValue()).isEqualTo(new BigDecimal("0.0"));
    }

    @Test
    void aDeltaWithoutAppendsIsWrittenAsBeforeAppendsExisted() {
        FlowSnapshotDelta d = FlowSnapshotDelta.builder().updatedAt(Instant.parse("2026-01-01T00:00:01Z"))
                .setState("a", JSON.numberNode(1)).build();

        String json = new String(codec.encodeDelta("run-1", d, 2), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"formatVersion\":1,\"version\":2,\"updatedAt\":\"2026-01-01T00:00:01Z\","
                                   + "\"stateSet\":{\"a\":1}}");
    }

    @Test
    void anOlderDeltaLineWithoutAppendsIsRead() {
        String old = "{\"formatVersion\":1,\"version\":3,\"updatedAt\":\"2026-01-01T00:00:01Z\","
                     + "\"stateRemoved\":[\"b\"],\"stateSet\":{\"a\":[1,2]},\"completedSteps\":[\"s1\"]}";
        byte[] data = old.getBytes(StandardCharsets.UTF_8);

        FlowSnapshotDelta d = codec.decodeDelta(data, 0, data.length, "run-1", "test.log").delta();

        assertThat(d.stateAppended()).isEmpty();
        assertThat(d.stateSet().get("a")).isEqualTo(JSON.arrayNode().add(1).add(2));
        assertThat(d.stateRemoved()).containsExactly("b");
    }

    @Test
    void aDeltaOfANewerFormatIsRefusedNamingTheRun() {
        int newer = FlowSnapshotCodec.DELTA_FORMAT_VERSION + 1;
        String json = "{\"formatVersion\":" + newer + ",\"version\":3,\"updatedAt\":\"2026-01-01T00:00:01Z\"}";
        byte[] data = json.getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> codec.decodeDelta(data, 0, data.length, "run-1", "test.log"))
                .isInstanceOf(FlowSnapshotFormatException.class)
                .hasMessageContaining("run-1").hasMessageContaining("format " + newer);
    }

    @Test
    void appendedItemsThatAreNotAnArrayAreRefused() {
        String json = "{\"formatVersion\":2,\"version\":3,\"updatedAt\":\"2026-01-01T00:00:01Z\","
                      + "\"stateAppended\":{\"log\":5}}";
        byte[] data = json.getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> codec.decodeDelta(data, 0, data.length, "run-1", "test.log"))
                .isInstanceOf(FlowSnapshotFormatException.class)
                .hasMessageContaining("run-1").hasMessageContaining("stateAppended.log");
    }

    @Test
    void classNamesInTheDataAreJustData() {
        ObjectNode state = JSON.objectNode();
        state.putArray("evil").add("java.lang.ProcessBuilder").addArray().add("touch").add("/tmp/pwned");
        state.putObject("typed").put("@class", "javax.naming.InitialContext").put("@type", "java.net.URL");

        FlowSnapshot back = codec.decode(codec.encode(snapshot(state), 1), "run-1", "test.json");

        assertThat(back.state()).isEqualTo(state);
        assertThat(back.state().get("typed").get("@class").textValue()).isEqualTo("javax.naming.InitialContext");
    }

    @Test
    void aNewerFormatVersionIsRefusedNamingTheRun() {
        String json = new String(codec.encode(snapshot(JSON.objectNode()), 1), StandardCharsets.UTF_8)
                .replace("\"formatVersion\":1", "\"formatVersion\":3");

        assertThatThrownBy(() -> decode(json))
                .isInstanceOf(FlowSnapshotFormatException.class)
                .hasMessageContaining("run-1").hasMessageContaining("test.json").hasMessageContaining("format 3");
    }

    @Test
    void aTruncatedDocumentIsRefusedNamingRunAndPlace() {
        String json = new String(codec.encode(snapshot(JSON.objectNode().put("k", "v")), 1), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> decode(json.substring(0, json.length() - 10)))
                .isInstanceOf(FlowSnapshotFormatException.class)
                .hasMessageContaining("run-1").hasMessageContaining("test.json");
    }

    @Test
    void dataAfterTheDocumentIsRefused() {
        String json = new String(codec.encode(snapshot(JSON.objectNode()), 1), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> decode(json + "{}")).isInstanceOf(FlowSnapshotFormatException.class);
    }

    @Test
    void duplicateFieldsAreRefused() {
        assertThatThrownBy(() -> decode("{\"formatVersion\":1,\"formatVersion\":1}"))
                .isInstanceOf(FlowSnapshotFormatException.class);
    }

    @Test
    void aDocumentOfAnotherRunIsRefused() {
        byte[] other = codec.encode(snapshot(JSON.objectNode()), 1);

        assertThatThrownBy(() -> codec.decode(other, "run-2", "run-2.json"))
                .isInstanceOf(FlowSnapshotFormatException.class).hasMessageContaining("belongs to run run-1");
    }

    @Test
    void nestingDeeperThanTheLimitIsRefused() {
        String deep = "[".repeat(FlowSnapshotCodec.MAX_NESTING_DEPTH + 10) + "]".repeat(FlowSnapshotCodec.MAX_NESTING_DEPTH + 10);
        String json = "{\"formatVersion\":1,\"executionId\":\"run-1\",\"state\":{\"a\":" + deep + "}}";

        assertThatThrownBy(() -> decode(json)).isInstanceOf(FlowSnapshotFormatException.class);
    }

    @Test
    void aDocumentLargerThanTheLimitIsRefusedBeforeParsing() {
        String json = "{\"formatVersion\":1,\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";

        assertThatThrownBy(() -> decode(json))
                .isInstanceOf(FlowSnapshotFormatException.class).hasMessageContaining("maxSnapshotSize");
    }

    @Test
    void encodingMoreThanTheLimitFailsNamingTheRunAndStopsEarly() {
        ObjectNode state = JSON.objectNode().put("blob", "x".repeat(200 * 1024));

        assertThatThrownBy(() -> codec.encode(snapshot(state), 1))
                .isInstanceOf(FlowSnapshotTooLargeException.class)
                .hasMessageContaining("run-1").hasMessageContaining("maxSnapshotSize=65536");
    }

    @Test
    void missingRequiredFieldsAreRefused() {
        assertThatThrownBy(() -> decode("{\"formatVersion\":1,\"executionId\":\"run-1\"}"))
                .isInstanceOf(FlowSnapshotFormatException.class).hasMessageContaining("flowId");
    }

    @Test
    void anUnknownStatusIsRefused() {
        String json = new String(codec.encode(snapshot(JSON.objectNode()), 1), StandardCharsets.UTF_8)
                .replace("\"RUNNING\"", "\"EXPLODED\"");

        assertThatThrownBy(() -> decode(json)).isInstanceOf(FlowSnapshotFormatException.class).hasMessageContaining("EXPLODED");
    }
}
