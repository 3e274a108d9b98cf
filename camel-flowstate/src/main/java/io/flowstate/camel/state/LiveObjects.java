package io.flowstate.camel.state;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.channels.Channel;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.StreamCache;

/** Live objects (connections, streams, callbacks, Camel's own objects): they belong in resources, never in state. */
final class LiveObjects {

    private static final List<Class<?>> LIVE_TYPES = List.of(
            InputStream.class, Reader.class, Channel.class, Closeable.class, AutoCloseable.class, DataSource.class,
            StreamCache.class, Thread.class, Executor.class, Future.class, ClassLoader.class, Class.class,
            CamelContext.class, Exchange.class, Message.class, Processor.class, Endpoint.class);

    /** Stands in for the serializer of a live object met inside a POJO, so the error names its field. */
    static final JsonSerializer<Object> SERIALIZER = new JsonSerializer<>() {
        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            throw JsonMappingException.from(gen, "it holds a live object of type " + describe(value.getClass()));
        }
    };

    private LiveObjects() {
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

    static String describe(Class<?> type) {
        return type.isHidden() || type.isSynthetic() ? "lambda or method reference (" + type.getName() + ")" : type.getName();
    }
}
