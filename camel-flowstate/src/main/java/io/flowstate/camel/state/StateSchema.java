package io.flowstate.camel.state;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Typed state: the state of a run declared as a record or POJO. The keys are its properties, their defaults are what
 * the class gives an empty object (field initializers, or a record's compact constructor), and every write is
 * converted to the class and back, so wrong types, unknown keys and the class's own checks (a constructor that throws)
 * reject the write before anything is stored.
 */
public final class StateSchema {

    private final Class<?> type;
    private final JsonValues json;
    private final ObjectMapper mapper;
    private final ObjectReader reader;
    private final Map<String, JavaType> properties = new LinkedHashMap<>();
    private final ObjectNode defaults;

    public StateSchema(Class<?> type, ObjectMapper mapper) {
        this(type, new JsonValues(mapper));
    }

    /** With the component's values, so error messages hide the values of secret keys. */
    public StateSchema(Class<?> type, JsonValues json) {
        this.type = type;
        this.json = json;
        this.mapper = json.mapper();
        this.reader = mapper.readerFor(type);
        BeanDescription description = mapper.getDeserializationConfig().introspect(mapper.constructType(type));
        for (BeanPropertyDefinition property : description.findProperties()) {
            if (property.couldDeserialize()) {
                properties.put(property.getName(), property.getPrimaryType());
            }
        }
        if (properties.isEmpty()) {
            throw new StateTypeException("The state class " + type.getName()
                                         + " has no properties Jackson can write: give it public fields, setters,"
                                         + " or use a record");
        }
        try {
            this.defaults = (ObjectNode) mapper.valueToTree(
                    reader.without(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).readValue(mapper.createObjectNode()));
        } catch (Exception e) {
            throw new StateTypeException("The state class " + type.getName()
                                         + " cannot be created from an empty state to find its defaults: "
                                         + e.getMessage()
                                         + ". Give it a no-argument constructor, or make its record constructor accept"
                                         + " missing values",
                    e);
        }
    }

    public Class<?> type() {
        return type;
    }

    /** The state a new run starts with: a fresh copy of the class's defaults. */
    public ObjectNode defaults() {
        return defaults.deepCopy();
    }

    /** Fails unless {@code key} is a property of the class. */
    public void checkKey(String key) {
        if (!properties.containsKey(key)) {
            throw new StateTypeException("The state key '" + key + "' is not a property of the state class "
                                         + type.getName() + "; its keys are " + properties.keySet());
        }
    }

    /**
     * Checks a whole candidate state after a write of {@code key}, and returns it as the class writes it (e.g. "5"
     * written to an int property is stored as 5).
     */
    public ObjectNode validate(ObjectNode candidate, String key) {
        try {
            return (ObjectNode) mapper.valueToTree(reader.readValue(candidate));
        } catch (ValueInstantiationException e) {
            Throwable reason = e.getCause() != null ? e.getCause() : e;
            throw new StateTypeException("The state class " + type.getName() + " rejected the value of '" + key
                                         + "': " + reason.getMessage(),
                    e);
        } catch (JsonMappingException e) {
            String field = e.getPath().isEmpty() ? key : e.getPath().get(0).getFieldName();
            JsonNode given = candidate.get(field);
            JavaType expected = properties.get(field);
            throw new StateTypeException("The state key '" + field + "' of state class " + type.getName()
                                         + " must be " + describe(expected) + ", but "
                                         + (given == null ? "nothing" : given.getNodeType().name().toLowerCase() + " "
                                                                        + json.shown(field, given))
                                         + " was given"
                                         + (json.secrets().isSecret(field) ? "" : " (" + e.getOriginalMessage() + ")"),
                    json.secrets().isSecret(field) ? null : e); // Jackson's own message may quote the value
        } catch (java.io.IOException e) {
            throw new StateTypeException("The state of class " + type.getName() + " cannot be checked: " + e.getMessage(),
                    e);
        }
    }

    /** The state as an instance of the class. */
    public <T> T toObject(ObjectNode state, Class<T> target) {
        try {
            return mapper.readerFor(target).readValue(state);
        } catch (java.io.IOException e) {
            throw new StateTypeException("The state cannot be read as " + target.getName() + ": " + e.getMessage(), e);
        }
    }

    /** The state an instance of the class stands for, checked as every write is. */
    public ObjectNode fromObject(Object value) {
        if (!type.isInstance(value)) {
            throw new StateTypeException("Expected an instance of the state class " + type.getName() + ", got "
                                         + (value == null ? "null" : value.getClass().getName()));
        }
        return validate(mapper.valueToTree(value), type.getSimpleName());
    }

    private static String describe(JavaType type) {
        return type == null ? "a known property" : "of type " + type.toCanonical();
    }
}
