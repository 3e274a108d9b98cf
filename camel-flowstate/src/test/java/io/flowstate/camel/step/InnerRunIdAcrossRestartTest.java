package io.flowstate.camel.step;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowStatus;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An inner run's id depends on where in its parent it starts (which split item), never on how many other
 * split/loop/multicast nodes the context built before: a suspended parent resumed in a new CamelContext whose routes
 * changed elsewhere finds its inner runs again, so their steps run once.
 */
class InnerRunIdAcrossRestartTest {

    private final Map<String, AtomicInteger> charged = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    @Test
    void innerRunsInASplitAreFoundAgainAfterARestartWithAnotherSplitRouteAddedBeforeTheirs() throws Exception {
        String executionId;
        String token;
        CamelContext first = node(false);
        try {
            Exchange suspended = request(first, "direct:batch", List.of("a", "b", "c"), Map.of());
            assertThat(suspended.getException()).isNull();
            assertThat(suspended.getMessage().getHeader(FlowStateConstants.STATUS)).isEqualTo(FlowStatus.SUSPENDED);
            executionId = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
            token = suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN, String.class);
        } finally {
            first.stop();
        }
        assertThat(charged).containsOnlyKeys("a", "b", "c");

        CamelContext second = node(true);
        try {
            Exchange resumed = request(second, "direct:resume", "approved", Map.of(
                    FlowStateConstants.EXECUTION_ID, executionId, FlowStateConstants.RESUME_TOKEN, token));
            assertThat(resumed.getException()).isNull();
            assertThat(resumed.getMessage().getBody()).isEqualTo("shipped: approved");
        } finally {
            second.stop();
        }
        assertThat(charged).as("each item's inner flow ran its step once").containsOnlyKeys("a", "b", "c")
                .allSatisfy((item, count) -> assertThat(count.get()).isEqualTo(1));
    }

    /** A node on the test's data directory; the second one has an extra route with a split, built before the batch. */
    private CamelContext node(boolean withAnotherSplitFirst) throws Exception {
        CamelContext context = new DefaultCamelContext();
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        component.setDataDirectory(dir.resolve("data").toString());
        component.setWorkDirectory(dir.resolve("work").toString());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                if (withAnotherSplitFirst) {
                    from("direct:other").routeId("other").split(body()).log("${body}").end();
                }
                from("direct:resume").to("flowstate:resume");
                from("direct:batch").routeId("batch")
                        .to("flowstate:start:batch")
                        .split(body()).to("direct:charge").end()
                        .to("flowstate:suspend:approval")
                        .step("ship").setBody(simple("shipped: ${body}")).end();
                from("direct:charge").routeId("charge")
                        .to("flowstate:start:charge")
                        .step("chargeItem")
                            .process(e -> charged.computeIfAbsent(e.getMessage().getBody(String.class),
                                    item -> new AtomicInteger()).incrementAndGet())
                        .end();
            }
        });
        context.start();
        return context;
    }

    private static Exchange request(CamelContext context, String uri, Object body, Map<String, Object> headers) {
        ProducerTemplate template = context.createProducerTemplate();
        try {
            return template.request(uri, e -> {
                e.getMessage().setBody(body);
                e.getMessage().setHeaders(new java.util.HashMap<>(headers));
            });
        } finally {
            template.stop();
        }
    }
}
