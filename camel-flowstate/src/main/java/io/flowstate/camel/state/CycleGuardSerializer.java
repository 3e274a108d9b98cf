package io.flowstate.camel.state;

import java.io.IOException;
import java.util.IdentityHashMap;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import com.fasterxml.jackson.databind.util.NameTransformer;

/**
 * Wraps every bean serializer to fail at the first object met again inside itself. Without it Jackson only stops a
 * cycle by catching a StackOverflowError, which is slow and reports a path from deep inside the loop; this way the
 * error names the path from the value's root.
 */
final class CycleGuardSerializer extends JsonSerializer<Object> implements ResolvableSerializer, ContextualSerializer {

    /** Why a value that refers back to itself cannot be stored; also used where maps and lists are walked. */
    static final String CYCLE = "it refers back to an enclosing value (a cyclic reference)";

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
    public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        enter(value, gen, provider);
        try {
            delegate.serialize(value, gen, provider);
        } finally {
            openObjects(provider).remove(value);
        }
    }

    @Override
    public void serializeWithType(Object value, JsonGenerator gen, SerializerProvider provider, TypeSerializer types)
            throws IOException {
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

    private static void enter(Object value, JsonGenerator gen, SerializerProvider provider) throws JsonMappingException {
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
