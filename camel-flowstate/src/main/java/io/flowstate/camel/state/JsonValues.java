package io.flowstate.camel.state;

import java.io.Closeable;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.channels.Channel;
import java.util.Base64;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
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
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import com.fasterxml.jackson.databind.util.NameTransformer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.StreamCache;

/**
 * Converts values between plain Java and the JSON trees the state holds. Every value set into state passes here: what
 * cannot be represented as JSON is rejected at once, naming the key and the path of the offending field.
 * <p>
 * The mapper never uses default typing and never reads class names from data; conversions to user types only target
 * classes the caller names.
 */
public final class JsonValues {

    /** Live objects: they belong in resources, never in state. */
    private static final List<Class<?>> LIVE_TYPES = List.of(
            InputStream.class, Reader.class, Channel.class, Closeable.class, AutoCloseable.class, DataSource.class,
            StreamCache.class, Thread.class, Executor.class, Future.class, ClassLoader.class, Class.class,
            CamelContext.class, Exchange.class, Message.class, Processor.class, Endpoint.class);

    private static final int MAX_DEPTH = 200;
    private static final String CYCLE = "it refers back to an enclosing value (a cyclic reference)";
    private static final int MAX_PATH_SHOWN = 8;

    private final ObjectMapper mapper;
    /** State keys whose values are never stored nor shown in clear. */
    private volatile SecretValues secrets = SecretValues.NONE;

    public JsonValues() {
        this(createMapper());
    }

    public JsonValues(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The mapper used for state values: ISO-8601 text for java.time values, strict about numbers (no silent truncation
     * of 2.5 to 2, no null for a primitive), decimals exact (a number with a fraction is a BigDecimal, never rounded to
     * a double), rejecting live objects and cycles met inside POJOs.
     */
    public static ObjectMapper createMapper() {
        SimpleModule liveObjects = new SimpleModule("flowstate-live-objects");
        // a float field as the decimal it prints as (0.1), not its binary value widened to a double (0.10000000149...)
        JsonSerializer<Float> floats = new JsonSerializer<>() {
            @Override
            public void serialize(Float value, JsonGenerator gen, SerializerProvider provider) throws java.io.IOException {
                gen.writeNumber(new BigDecimal(Float.toString(finite(value, gen))));
            }
        };
        JsonSerializer<Double> doubles = new JsonSerializer<>() {
            @Override
            public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws java.io.IOException {
                gen.writeNumber(finite(value, gen).doubleValue());
            }
        };
        liveObjects.addSerializer(Float.class, floats);
        liveObjects.addSerializer(float.class, floats);
        liveObjects.addSerializer(Double.class, doubles);
        liveObjects.addSerializer(double.class, doubles);
        liveObjects.setSerializerModifier(new BeanSerializerModifier() {
            @Override
            public JsonSerializer<?> modifySerializer(
                    SerializationConfig config, BeanDescription beanDesc, JsonSerializer<?> serializer) {
                return isLive(beanDesc.getBeanClass()) ? new LiveObjectSerializer() : new CycleGuardSerializer(serializer);
            }
        });
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(liveObjects)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                // the same numbers whether a value is in memory or was read back from a repository: see Conversion
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .enable(JsonNodeFeature.FAIL_ON_NAN_TO_BIG_DECIMAL_COERCION)
                .build();
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** The secret state keys and how their values are stored; set when the component starts. */
    public SecretValues secrets() {
        return secrets;
    }

    public void setSecrets(SecretValues secrets) {
        this.secrets = secrets;
    }

    /** A value for a message: abbreviated, or hidden when {@code key} is secret. */
    public String shown(String key, JsonNode value) {
        return secrets.isSecret(key) ? "(a secret value)" : abbreviate(value);
    }

    /** Adds converters for the user's own value types; call before the first conversion (at component start). */
    public void registerModules(List<com.fasterxml.jackson.databind.Module> modules) {
        mapper.registerModules(modules);
    }

    /**
     * A JSON copy of {@code value}, to be stored under {@code key}.
     *
     * @throws UnsupportedValueException naming the key and the path of the first field that is not a JSON value
     */
    public JsonNode toJson(String key, Object value) {
        if (value instanceof String text) {
            return TextNode.valueOf(text); // the common case, without the walker's bookkeeping
        }
        return new Conversion(key).convert(value, new StringBuilder(), 0);
    }

    /**
     * Plain Java for a stored value: String, Number, Boolean, LinkedHashMap, ArrayList; null for absent or null. Numbers
     * are Integer, Long or BigInteger when whole, BigDecimal (exact, with its scale) when they have a fraction.
     */
    public Object toJava(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return mapper.convertValue(node, Object.class);
    }

    /**
     * The value stored under {@code key} converted to the type the caller asks for.
     *
     * @throws StateTypeException naming the key and the type; it shows the value only when the key is not secret
     */
    public <T> T toJava(String key, JsonNode node, Class<T> type) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        try {
            return mapper.treeToValue(node, type);
        } catch (Exception e) {
            if (secrets.isSecret(key)) {
                // Jackson's message (and so the cause) quotes the value: neither may reach a log
                throw new StateTypeException("The secret value of state key '" + key + "' cannot be read as "
                                             + type.getName() + " (a " + node.getNodeType().name().toLowerCase()
                                             + " is stored)");
            }
            throw new StateTypeException(
                    "The value " + abbreviate(node) + " of state key '" + key + "' cannot be read as " + type.getName()
                                         + ": " + e.getMessage(),
                    e);
        }
    }

    /** A NaN or infinite field fails where it is, so the error names its path (as at the top level). */
    private static <N extends Number> N finite(N value, JsonGenerator gen) throws JsonMappingException {
        if (!Double.isFinite(value.doubleValue())) {
            throw JsonMappingException.from(gen, value + " is not a JSON number");
        }
        return value;
    }

    static boolean isLive(Class<?> type) {
        if (type.isHidden() || type.isSynthetic()) {
            return true; // lambdas and method references
        }
        for (Class<?> live : LIVE_TYPES) {
            if (live.isAssignableFrom(type)) {
                return true;
            }
        }
        return false;
    }

    static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    /** Walks maps, collections and arrays itself (tracking the path and cycles); lets Jackson convert the rest. */
    private final class Conversion {
        private final String key;
        private final IdentityHashMap<Object, Boolean> open = new IdentityHashMap<>();

        Conversion(String key) {
            this.key = key;
        }

        JsonNode convert(Object value, StringBuilder path, int depth) {
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
            if (isLive(value.getClass())) {
                throw unsupported(path, "it holds a live object of type " + describe(value.getClass()), null);
            }
            if (value instanceof Map<?, ?> || value instanceof Iterable<?> || value.getClass().isArray()) {
                if (depth >= MAX_DEPTH) {
                    throw unsupported(path, "it is nested more than " + MAX_DEPTH + " levels deep", null);
                }
                if (open.put(value, Boolean.TRUE) != null) {
                    throw unsupported(path, CYCLE, null);
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
                        reason = CYCLE; // a cycle through maps or lists inside a POJO, stopped by Jackson itself
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
    }

    private static String describe(Class<?> type) {
        return type.isHidden() || type.isSynthetic() ? "lambda or method reference (" + type.getName() + ")" : type.getName();
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

    /**
     * Wraps every bean serializer to fail at the first object met again inside itself. Without it Jackson only stops a
     * cycle by catching a StackOverflowError, which is slow and reports a path from deep inside the loop; this way the
     * error names the path from the value's root.
     */
    private static final class CycleGuardSerializer extends JsonSerializer<Object>
            implements ResolvableSerializer, ContextualSerializer {
        private static final Object OPEN_OBJECTS = CycleGuardSerializer.class;
        private final JsonSerializer<Object> delegate;

        @SuppressWarnings("unchecked")
        CycleGuardSerializer(JsonSerializer<?> delegate) {
            this.delegate = (JsonSerializer<Object>) delegate;
        }

        @Override
        public void resolve(SerializerProvider provider) throws JsonMappingException {
            if (delegate instanceof ResolvableSerializer resolvable) {
                resolvable.resolve(provider);
            }
        }

        @Override
        public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property)
                throws JsonMappingException {
            JsonSerializer<?> contextual = delegate instanceof ContextualSerializer c
                    ? c.createContextual(provider, property) : delegate;
            return contextual == delegate ? this : new CycleGuardSerializer(contextual);
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws java.io.IOException {
            enter(value, gen, provider);
            try {
                delegate.serialize(value, gen, provider);
            } finally {
                openObjects(provider).remove(value);
            }
        }

        @Override
        public void serializeWithType(Object value, JsonGenerator gen, SerializerProvider provider, TypeSerializer types)
                throws java.io.IOException {
            enter(value, gen, provider);
            try {
                delegate.serializeWithType(value, gen, provider, types);
            } finally {
                openObjects(provider).remove(value);
            }
        }

        @Override
        public JsonSerializer<Object> unwrappingSerializer(NameTransformer unwrapper) {
            return new CycleGuardSerializer(delegate.unwrappingSerializer(unwrapper));
        }

        @Override
        public boolean isEmpty(SerializerProvider provider, Object value) {
            return delegate.isEmpty(provider, value);
        }

        @Override
        public boolean usesObjectId() {
            return delegate.usesObjectId();
        }

        @Override
        public Class<Object> handledType() {
            return delegate.handledType();
        }

        private static void enter(Object value, JsonGenerator gen, SerializerProvider provider)
                throws JsonMappingException {
            if (openObjects(provider).put(value, Boolean.TRUE) != null) {
                throw JsonMappingException.from(gen, CYCLE);
            }
        }

        /** The objects being written on this call's path; attributes set on the provider live for one call. */
        @SuppressWarnings("unchecked")
        private static IdentityHashMap<Object, Boolean> openObjects(SerializerProvider provider) {
            IdentityHashMap<Object, Boolean> open = (IdentityHashMap<Object, Boolean>) provider.getAttribute(OPEN_OBJECTS);
            if (open == null) {
                open = new IdentityHashMap<>();
                provider.setAttribute(OPEN_OBJECTS, open);
            }
            return open;
        }
    }

    /** Stands in for the serializer of a live object met inside a POJO, so the error names its field. */
    private static final class LiveObjectSerializer extends JsonSerializer<Object> {
        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider serializers) throws java.io.IOException {
            throw JsonMappingException.from(gen, "it holds a live object of type " + describe(value.getClass()));
        }
    }
}
