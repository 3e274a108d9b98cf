package io.flowstate.camel.state;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.OrderState;
import io.flowstate.camel.TaskState;
import io.flowstate.camel.TaskState.Priority;
import io.flowstate.camel.TaskState.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the state accepts as a value, how it reads back, and that stored values are copies.
 */
class JsonValuesTest {

    enum Colour {
        RED
    }

    private final JsonValues json = new JsonValues();

    @Test
    void plainValuesReadBackAsPlainJava() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "a");
        value.put("int", 1);
        value.put("long", 3_000_000_000L);
        value.put("double", 1.5);
        value.put("decimal", new BigDecimal("12.34"));
        value.put("bool", true);
        value.put("null", null);
        value.put("list", List.of(1, "two"));
        value.put("nested", Map.of("k", List.of(Map.of("deep", 1))));
        Map<String, Object> expected = new LinkedHashMap<>(value);
        expected.put("double", new BigDecimal("1.5")); // a fraction reads back as a decimal, see below
        assertThat(json.toJava(json.toJson("k", value))).isEqualTo(expected);
    }

    /** A POJO with a float field, to see it held as the decimal it prints as. */
    public static class Measure {
        public float ratio = 0.1f;
        public double size = 1.0E16;
    }

    @Test
    void doublesAndFloatsAreHeldAsTheDecimalsTheyPrintAsAndReadBackNumericallyEqual() {
        ObjectNode given = JsonNodeFactory.instance.objectNode().put("d", 0.1).put("f", 0.1f);

        assertThat(json.toJson("k", 0.1d)).isEqualTo(DecimalNode.valueOf(new BigDecimal("0.1")));
        assertThat(json.toJson("k", 0.1f)).isEqualTo(DecimalNode.valueOf(new BigDecimal("0.1")));
        assertThat(json.toJson("k", 5.0d)).isEqualTo(DecimalNode.valueOf(new BigDecimal("5.0")));
        assertThat(json.toJson("k", new Measure()).toString()).isEqualTo("{\"ratio\":0.1,\"size\":1.0E+16}");
        assertThat(json.toJson("k", given).toString()).isEqualTo("{\"d\":0.1,\"f\":0.1}");
        assertThat(json.toJson("k", given).get("d").isBigDecimal()).isTrue();
        assertThat(json.toJava(json.toJson("k", 0.1d))).isEqualTo(new BigDecimal("0.1"));
        assertThat(json.toJava("k", json.toJson("k", 0.1d), Double.class)).isEqualTo(0.1d);
        assertThat(json.toJava("k", json.toJson("k", new Measure()), Measure.class).ratio).isEqualTo(0.1f);
        assertThat(json.toJava(json.toJson("k", new BigDecimal("10.50")))).isEqualTo(new BigDecimal("10.50"));
    }

    /** A POJO that holds a NaN, which no JSON number can be. */
    public static class Broken {
        public double value = Double.NaN;
    }

    @Test
    void aNanInsideAPojoOrAJsonTreeIsRejectedWithItsPath() {
        assertThatThrownBy(() -> json.toJson("k", Map.of("m", new Broken())))
                .isInstanceOf(UnsupportedValueException.class).hasMessageContaining("'m.value'");
        assertThatThrownBy(() -> json.toJson("k", JsonNodeFactory.instance.objectNode().put("x", Double.NaN)))
                .isInstanceOf(UnsupportedValueException.class).hasMessageContaining("'x'");
    }

    @Test
    void javaTimeEnumsUuidsAndBytesBecomeText() {
        UUID id = UUID.fromString("8f14e45f-ceea-467a-9575-6f6a1f4c2b2e");
        Map<String, Object> value = Map.of(
                "at", Instant.parse("2026-11-23T10:15:30Z"),
                "day", LocalDate.of(2026, 11, 23),
                "colour", Colour.RED,
                "id", id,
                "bytes", new byte[] { 1, 2, 3 });
        Map<?, ?> back = (Map<?, ?>) json.toJava(json.toJson("k", value));
        assertThat(back.get("at")).isEqualTo("2026-11-23T10:15:30Z");
        assertThat(back.get("day")).isEqualTo("2026-11-23");
        assertThat(back.get("colour")).isEqualTo("RED");
        assertThat(back.get("id")).isEqualTo(id.toString());
        assertThat(back.get("bytes")).isEqualTo("AQID");
    }

    @Test
    void enumsAreStoredAsJacksonWritesThemWhereverTheyAre() {
        assertThat(json.toJson("k", Status.IN_PROGRESS)).isEqualTo(TextNode.valueOf("in-progress"));
        assertThat(json.toJson("k", Priority.HIGH)).isEqualTo(TextNode.valueOf("high!"));
        assertThat(json.toJson("k", List.of(Status.DONE, Map.of("p", Priority.HIGH))).toString())
                .isEqualTo("[\"done\",{\"p\":\"high!\"}]");
        assertThat(json.toJson("k", new TaskState(Status.IN_PROGRESS, Priority.HIGH)).toString())
                .isEqualTo("{\"status\":\"in-progress\",\"priority\":\"high!\"}");
        assertThat(json.toJava("k", json.toJson("k", Status.IN_PROGRESS), Status.class)).isEqualTo(Status.IN_PROGRESS);
        assertThat(json.toJava("k", json.toJson("k", Priority.HIGH), Priority.class)).isEqualTo(Priority.HIGH);
    }

    @Test
    void recordsAndPojosBecomeObjectsAndReadBackAsTheirClass() {
        OrderState order = new OrderState("acme", 2, 9.5, List.of("a"));
        JsonNode node = json.toJson("order", order);
        assertThat(json.toJava(node)).isEqualTo(
                Map.of("customer", "acme", "attempts", 2, "total", new BigDecimal("9.5"), "lines", List.of("a")));
        assertThat(json.toJava("order", node, OrderState.class)).isEqualTo(order);
    }

    @Test
    void arraysOfPrimitivesAndObjectsBecomeLists() {
        assertThat(json.toJava(json.toJson("k", new int[] { 1, 2 }))).isEqualTo(List.of(1, 2));
        assertThat(json.toJava(json.toJson("k", new String[] { "a" }))).isEqualTo(List.of("a"));
    }

    @Test
    void storedValueIsACopyOfTheCallersObject() {
        List<Object> list = new ArrayList<>(List.of("a"));
        JsonNode stored = json.toJson("k", list);
        list.add("b");
        assertThat(json.toJava(stored)).isEqualTo(List.of("a"));
    }

    @Test
    void theSameObjectTwiceIsNotACycle() {
        Map<String, Object> shared = Map.of("x", 1);
        assertThat(json.toJava(json.toJson("k", List.of(shared, shared)))).isEqualTo(List.of(shared, shared));
    }

    @Test
    void readingAsTheWrongTypeNamesTheType() {
        assertThatThrownBy(() -> json.toJava("k", json.toJson("k", "text"), OrderState.class))
                .isInstanceOf(StateTypeException.class).hasMessageContaining(OrderState.class.getName());
    }

    @Test
    void infinityIsNotAJsonNumber() {
        assertThatThrownBy(() -> json.toJson("k", List.of(1.0, Double.POSITIVE_INFINITY)))
                .isInstanceOf(UnsupportedValueException.class).hasMessageContaining("'[1]'");
    }
}
