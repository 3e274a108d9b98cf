package io.flowstate.camel.execution;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run records its input headers when it is first saved, but only plain data: a consumer's live object in a header (a
 * servlet response, as Spring Boot's platform-http puts there) is left out without calling any of its getters, which
 * could take the reply away from the consumer.
 */
class LiveInputHeaderTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    /** Stands for a servlet response: reading its writer commits it to whoever asks first. */
    public static final class LiveResponse {
        static final AtomicInteger WRITERS_TAKEN = new AtomicInteger();

        public Object getWriter() {
            WRITERS_TAKEN.incrementAndGet();
            return "the reply's writer";
        }
    }

    @Test
    void aLiveObjectInAHeaderIsNeitherReadNorRecorded() {
        LiveResponse.WRITERS_TAKEN.set(0);

        Map<?, ?> reply = template.requestBodyAndHeaders("direct:order", "o-1", Map.of(
                "CamelHttpServletResponse", new LiveResponse(),
                "customer", "acme",
                "lines", List.of(Map.of("sku", "A-1", "qty", 2)),
                "receivedAt", Instant.parse("2026-12-07T10:00:00Z")), Map.class);

        JsonNode headers = repository.load((String) reply.get("executionId")).orElseThrow().input().get("headers");
        assertThat(LiveResponse.WRITERS_TAKEN).hasValue(0);
        assertThat(headers.has("CamelHttpServletResponse")).isFalse();
        assertThat(headers.get("customer").asText()).isEqualTo("acme");
        assertThat(headers.get("lines").get(0).get("qty").asInt()).isEqualTo(2);
        assertThat(headers.has("receivedAt")).isTrue();
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:order").routeId("order").to("flowstate:suspend:approval");
            }
        };
    }
}
