package io.flowstate.camel.state;

import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.camel.StreamCache;

/**
 * One conversion of a value to be stored under a state key into JSON. Walks maps, collections and arrays itself
 * (tracking the path and cycles); lets Jackson convert the rest. What cannot be represented fails naming the key and
 * the path of the offending field.
 */
final class JsonConversion {

    private static final int MAX_DEPTH = 200;
    private static final int MAX_PATH_SHOWN = 8;

    private final ObjectMapper mapper;
    private final String key;
    private final IdentityHashMap<Object, Boolean> open = new IdentityHashMap<>();

    JsonConversion(ObjectMapper mapper, String key) {
        this.mapper = mapper;
        this.key = key;
    }

    JsonNode convert(Object value) {
        return convert(value, new StringBuilder(), 0);
    }

    private JsonNode convert(Object value, StringBuilder path, int depth) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (value instanceof String s) {
            return TextNode.valueOf(s);
        }
        if (value instanceof Boolean b) {
            return BooleanNode.valueOf(b);
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return IntNode.valueOf(((Number) value).intValue());
        }
        if (value instanceof Long l) {
            return LongNode.valueOf(l);
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw unsupported(path, value + " is not a JSON number", null);
            }
            // held as the decimal the double prints as: a repository reads every fraction back as a decimal, so
            // in memory it must be one too, or a value would change type (and increments their sum) once stored
            return DecimalNode.valueOf(new BigDecimal(value.toString()));
        }
        if (value instanceof BigDecimal d) {
            return DecimalNode.valueOf(d);
        }
        if (value instanceof BigInteger i) {
            return BigIntegerNode.valueOf(i);
        }
        if (value instanceof CharSequence || value instanceof Character) {
            return TextNode.valueOf(value.toString());
        }
        if (value instanceof Enum<?>) {
            // as Jackson writes it (@JsonProperty, @JsonValue), the form reading it back expects, also inside POJOs
            return convertWithJackson(value, path);
        }
        if (value instanceof JsonNode node) {
            return copy(node, path);
        }
        if (value instanceof byte[] bytes) {
            return TextNode.valueOf(Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof InputStream || value instanceof Reader || value instanceof StreamCache) {
            throw unsupported(path, "it is a stream (" + value.getClass().getName()
                                    + "); read it first, e.g. convertBodyTo(String.class) in the route", null);
        }
        if (LiveObjects.isLive(value.getClass())) {
            throw unsupported(path, "it holds a live object of type " + LiveObjects.describe(value.getClass()), null);
        }
        if (value instanceof Map<?, ?> || value instanceof Iterable<?> || value.getClass().isArray()) {
            if (depth >= MAX_DEPTH) {
                throw unsupported(path, "it is nested more than " + MAX_DEPTH + " levels deep", null);
            }
            if (open.put(value, Boolean.TRUE) != null) {
                throw unsupported(path, CycleGuardSerializer.CYCLE, null);
            }
            try {
                return value instanceof Map<?, ?> map ? convertMap(map, path, depth) : convertSequence(value, path, depth);
            } finally {
                open.remove(value);
            }
        }
        return convertWithJackson(value, path);
    }

    /** A deep copy of a JSON tree the caller gives, with its doubles as decimals like every other value. */
    private JsonNode copy(JsonNode node, StringBuilder path) {
        if (node.isDouble() || node.isFloat()) {
            double d = node.doubleValue();
            if (!Double.isFinite(d)) {
                throw unsupported(path, node + " is not a JSON number", null);
            }
            return DecimalNode.valueOf(new BigDecimal(node.isFloat() ? Float.toString(node.floatValue()) : Double.toString(d)));
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                int mark = path.length();
                path.append(mark == 0 ? "" : ".").append(field.getKey());
                copy.set(field.getKey(), copy(field.getValue(), path));
                path.setLength(mark);
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
            for (int i = 0; i < node.size(); i++) {
                int mark = path.length();
                path.append('[').append(i).append(']');
                copy.add(copy(node.get(i), path));
                path.setLength(mark);
            }
            return copy;
        }
        return node.deepCopy(); // other value nodes: immutable or copied as they are (POJO nodes)
    }

    private ObjectNode convertMap(Map<?, ?> map, StringBuilder path, int depth) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object name = entry.getKey();
            if (name == null) {
                throw unsupported(path, "a map in it has a null key", null);
            }
            int mark = path.length();
            path.append(mark == 0 ? "" : ".").append(name);
            node.set(name.toString(), convert(entry.getValue(), path, depth + 1));
            path.setLength(mark);
        }
        return node;
    }

    private ArrayNode convertSequence(Object sequence, StringBuilder path, int depth) {
        ArrayNode node = JsonNodeFactory.instance.arrayNode();
        Iterator<?> items = sequence instanceof Iterable<?> iterable ? iterable.iterator() : arrayIterator(sequence);
        for (int i = 0; items.hasNext(); i++) {
            int mark = path.length();
            path.append('[').append(i).append(']');
            node.add(convert(items.next(), path, depth + 1));
            path.setLength(mark);
        }
        return node;
    }

    private JsonNode convertWithJackson(Object value, StringBuilder path) {
        try {
            return mapper.valueToTree(value);
        } catch (IllegalArgumentException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            StringBuilder full = new StringBuilder(path);
            if (cause instanceof JsonMappingException jme) {
                List<JsonMappingException.Reference> refs = jme.getPath();
                for (int i = 0; i < refs.size() && i < MAX_PATH_SHOWN; i++) {
                    JsonMappingException.Reference ref = refs.get(i);
                    if (ref.getFieldName() != null) {
                        full.append(full.length() == 0 ? "" : ".").append(ref.getFieldName());
                    } else if (ref.getIndex() >= 0) {
                        full.append('[').append(ref.getIndex()).append(']');
                    }
                }
                if (refs.size() > MAX_PATH_SHOWN) {
                    full.append("...");
                }
                String reason = jme.getOriginalMessage();
                if (reason != null && reason.startsWith("Infinite recursion")) {
                    reason = CycleGuardSerializer.CYCLE; // through maps or lists inside a POJO, stopped by Jackson itself
                }
                throw unsupported(full, reason, e);
            }
            throw unsupported(full, String.valueOf(cause.getMessage()), e);
        }
    }

    private UnsupportedValueException unsupported(CharSequence path, String reason, Throwable cause) {
        String where = path.length() == 0 ? "The value" : "The field '" + path + "' of the value";
        return new UnsupportedValueException(
                where + " for state key '" + key + "' cannot be stored as JSON: " + reason
                                             + ". State holds JSON values only; give live objects (connections,"
                                             + " clients, streams, callbacks) to the run as resources"
                                             + " and keep their data or their name in state.",
                cause);
    }

    private static Iterator<Object> arrayIterator(Object array) {
        int length = Array.getLength(array);
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < length;
            }

            @Override
            public Object next() {
                return Array.get(array, i++);
            }
        };
    }
}
