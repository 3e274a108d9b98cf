package io.flowstate.camel.state;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Converts values between plain Java and the JSON trees the state holds. Every value set into state passes here: what
 * cannot be represented as JSON is rejected at once, naming the key and the path of the offending field.
 * <p>
 * The mapper never uses default typing and never reads class names from data; conversions to user types only target
 * classes the caller names.
 */
public final class JsonValues {

    private final ObjectMapper mapper;
    /** State keys whose values are never stored nor shown in clear. */
    private volatile SecretValues secrets = SecretValues.NONE;

    public JsonValues() {
        this(StateObjectMapper.create());
    }

    public JsonValues(ObjectMapper mapper) {
        this.mapper = mapper;
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
    public void registerModules(List<Module> modules) {
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
        return new JsonConversion(mapper, key).convert(value);
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

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
