package io.flowstate.camel.trigger;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * JSON text that is the same for equal values whatever the order of their fields: the key of an id and the input of
 * an item's hash.
 */
final class Canonical {

    private Canonical() {
    }

    /** The canonical JSON text of an id. */
    static String key(JsonNode id) {
        StringBuilder out = new StringBuilder();
        write(id, out);
        return out.toString();
    }

    /** SHA-256 of the canonical JSON text, first 128 bits, base64url: changes when any field changes. */
    static String hash(JsonNode item) {
        StringBuilder out = new StringBuilder();
        write(item, out);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(out.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(com.fasterxml.jackson.databind.node.TextNode.valueOf(names.get(i))).append(':');
                write(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isBigDecimal() && isDouble(node.decimalValue())) {
            // state holds doubles as decimals; print them as the double did, so ids and hashes stored before stay valid
            out.append(node.doubleValue());
        } else {
            out.append(node);
        }
    }

    /** Whether {@code d} is exactly what a double prints as (0.1 or 1.0E-5, but not 0.10). */
    private static boolean isDouble(BigDecimal d) {
        double value = d.doubleValue();
        return Double.isFinite(value) && BigDecimal.valueOf(value).equals(d);
    }
}
