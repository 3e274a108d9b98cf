package io.flowstate.camel.state;

import java.io.IOException;
import java.math.BigDecimal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Builds the mapper used for state values: ISO-8601 text for java.time values, strict about numbers (no silent
 * truncation of 2.5 to 2, no null for a primitive), decimals exact (a number with a fraction is a BigDecimal, never
 * rounded to a double), rejecting live objects and cycles met inside POJOs.
 */
final class StateObjectMapper {

    private StateObjectMapper() {
    }

    static ObjectMapper create() {
        SimpleModule values = new SimpleModule("flowstate-state-values");
        values.addSerializer(Float.class, FLOATS);
        values.addSerializer(float.class, FLOATS);
        values.addSerializer(Double.class, DOUBLES);
        values.addSerializer(double.class, DOUBLES);
        values.setSerializerModifier(new BeanSerializerModifier() {
            @Override
            public JsonSerializer<?> modifySerializer(
                    SerializationConfig config, BeanDescription beanDesc, JsonSerializer<?> serializer) {
                return LiveObjects.isLive(beanDesc.getBeanClass())
                        ? LiveObjects.SERIALIZER : new CycleGuardSerializer(serializer);
            }
        });
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(values)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                // the same numbers whether a value is in memory or was read back from a repository: see JsonConversion
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .enable(JsonNodeFeature.FAIL_ON_NAN_TO_BIG_DECIMAL_COERCION)
                .build();
    }

    /** A float field as the decimal it prints as (0.1), not its binary value widened to a double (0.10000000149...). */
    private static final JsonSerializer<Float> FLOATS = new JsonSerializer<>() {
        @Override
        public void serialize(Float value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeNumber(new BigDecimal(Float.toString(finite(value, gen))));
        }
    };

    private static final JsonSerializer<Double> DOUBLES = new JsonSerializer<>() {
        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeNumber(finite(value, gen).doubleValue());
        }
    };

    /** A NaN or infinite field fails where it is, so the error names its path (as at the top level). */
    private static <N extends Number> N finite(N value, JsonGenerator gen) throws JsonMappingException {
        if (!Double.isFinite(value.doubleValue())) {
            throw JsonMappingException.from(gen, value + " is not a JSON number");
        }
        return value;
    }
}
