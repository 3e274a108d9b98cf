package io.flowstate.camel.execution;

import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.state.JsonValues;
import org.apache.camel.Message;

/**
 * What a run started with: its body and headers, recorded in its snapshot so a resumed run can re-enter its route with
 * the original input. Taken when the run starts but turned into JSON only when the run is first saved, so runs never
 * saved pay nothing for it; mutable bodies are copied at once so later steps cannot change the record.
 */
final class RunInput {

    /** How deep a header's maps and lists may nest (deeper ones, or cycles, are not recorded). */
    private static final int MAX_DEPTH = 32;

    private final Object body;
    private final Map<String, Object> headers;
    /** The input as JSON once computed (or as stored); computed once, then shared read-only. */
    private volatile JsonNode json;

    private RunInput(Object body, Map<String, Object> headers, JsonNode json) {
        this.body = body;
        this.headers = headers;
        this.json = json;
    }

    static RunInput of(Message message, JsonValues json) {
        Object body = message.getBody();
        if (!(body == null || body instanceof String || body instanceof Number || body instanceof Boolean)) {
            try {
                body = json.toJson("input", body);
            } catch (FlowStateException e) {
                body = new Unrepresentable(body.getClass().getName());
            }
        }
        Map<String, Object> headers = message.hasHeaders() ? new TreeMap<>(message.getHeaders()) : Map.of();
        return new RunInput(body, headers, null);
    }

    static RunInput of(JsonNode stored) {
        return new RunInput(null, null, stored);
    }

    /**
     * The input as {@code {"body": …, "headers": {…}}}. Headers that are not plain data (live objects some consumers
     * add) and the component's own headers are left out; a body that is not a JSON value is recorded as null with its
     * type in {@code bodyType}.
     */
    JsonNode toJson(JsonValues json) {
        JsonNode known = this.json;
        if (known != null) {
            return known;
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (body instanceof Unrepresentable u) {
            node.putNull("body");
            node.put("bodyType", u.type());
        } else {
            node.set("body", body instanceof JsonNode n ? n : json.toJson("input", body));
        }
        ObjectNode headerNode = node.putObject("headers");
        headers.forEach((name, value) -> {
            if (!name.startsWith(FlowStateConstants.HEADER_PREFIX) && isPlainValue(value, 0)) {
                try {
                    headerNode.set(name, json.toJson(name, value));
                } catch (FlowStateException e) {
                    // a live header (e.g. a consumer's handle) is not part of the recorded input
                }
            }
        });
        this.json = node;
        return node;
    }

    /**
     * Whether a header holds plain data: text, numbers, booleans, times, enums, JSON, and maps, lists and arrays of
     * those. Anything else is an object of the consumer (an HTTP request or response, a session, a client): it is
     * never handed to Jackson, whose bean serializer would call its getters (a servlet response's getWriter() takes
     * the reply away from the HTTP consumer).
     */
    private static boolean isPlainValue(Object value, int depth) {
        if (value == null || value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                || value instanceof Character || value instanceof Enum<?> || value instanceof TemporalAccessor
                || value instanceof Date || value instanceof UUID || value instanceof JsonNode
                || value instanceof byte[]) {
            return true;
        }
        if (depth >= MAX_DEPTH) {
            return false;
        }
        if (value instanceof Map<?, ?> map) {
            return map.values().stream().allMatch(v -> isPlainValue(v, depth + 1));
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream().allMatch(v -> isPlainValue(v, depth + 1));
        }
        return value instanceof Object[] array && Arrays.stream(array).allMatch(v -> isPlainValue(v, depth + 1));
    }

    private record Unrepresentable(String type) {
    }
}
