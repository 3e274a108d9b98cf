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
import io.flowstate.camel.OrderState;
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
        assertThat(json.toJava(json.toJson("k", value))).isEqualTo(value);
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
    void recordsAndPojosBecomeObjectsAndReadBackAsTheirClass() {
        OrderState order = new OrderState("acme", 2, 9.5, List.of("a"));
        JsonNode node = json.toJson("order", order);
        assertThat(json.toJava(node)).isEqualTo(Map.of("customer", "acme", "attempts", 2, "total", 9.5, "lines", List.of("a")));
        assertThat(json.toJava(node, OrderState.class)).isEqualTo(order);
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
        assertThatThrownBy(() -> json.toJava(json.toJson("k", "text"), OrderState.class))
                .isInstanceOf(StateTypeException.class).hasMessageContaining(OrderState.class.getName());
    }

    @Test
    void infinityIsNotAJsonNumber() {
        assertThatThrownBy(() -> json.toJson("k", List.of(1.0, Double.POSITIVE_INFINITY)))
                .isInstanceOf(UnsupportedValueException.class).hasMessageContaining("'[1]'");
    }
}
