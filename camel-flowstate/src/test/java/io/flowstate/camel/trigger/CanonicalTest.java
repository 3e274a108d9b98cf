package io.flowstate.camel.trigger;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.state.JsonValues;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ids and item hashes stored by a watermark stay valid now that state holds doubles as decimals: a double prints as it
 * always did, a decimal given as one as its own text.
 */
class CanonicalTest {

    private final JsonValues json = new JsonValues();

    @Test
    void doublesKeepTheTextAndHashTheyHadAsDoubles() {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", 1.0E-5);
        item.put("price", 1.2E7);
        item.put("rate", 0.1);
        ObjectNode asDoubles = JsonNodeFactory.instance.objectNode().put("id", 1.0E-5).put("price", 1.2E7).put("rate", 0.1);

        assertThat(Canonical.key(json.toJson("item", item))).isEqualTo("{\"id\":1.0E-5,\"price\":1.2E7,\"rate\":0.1}");
        assertThat(Canonical.hash(json.toJson("item", item))).isEqualTo(Canonical.hash(asDoubles));
        assertThat(Canonical.key(json.toJson("id", 1.0E-5))).isEqualTo("1.0E-5");
    }

    @Test
    void decimalsKeepTheirOwnText() {
        assertThat(Canonical.key(json.toJson("id", new BigDecimal("10.50")))).isEqualTo("10.50");
        assertThat(Canonical.key(json.toJson("id", new BigDecimal("0.0000100")))).isEqualTo("0.0000100");
        assertThat(Canonical.key(json.toJson("id", new BigDecimal("1.123456789012345678"))))
                .isEqualTo("1.123456789012345678");
    }
}
