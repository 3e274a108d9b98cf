package io.flowstate.camel.step;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.flowstate.camel.FlowStateConstants;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Camel loads camel-flowstate's context plugin into every CamelContext on its classpath: one that never uses flowstate
 * must run its splits, loops and multicasts as it would without it, with nothing added to their exchanges.
 */
class ContextWithoutFlowstateUseTest {

    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    @Test
    void splitLoopAndMulticastExchangesGetNoIterationPosition() throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        assertThat(context.getCamelContextExtension().getContextPlugin(FlowStepInterceptStrategy.class))
                .as("Camel loaded the plugin").isNotNull();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:fanOut")
                        .split(body()).parallelProcessing().process(e -> note("split", e)).end()
                        .loop(2).process(e -> note("loop", e)).end()
                        .multicast().process(e -> note("multicast", e)).process(e -> note("multicast", e)).end();
            }
        });
        context.start();
        try {
            ProducerTemplate template = context.createProducerTemplate();
            Exchange out = template.request("direct:fanOut", e -> e.getMessage().setBody(List.of(1, 2, 3)));

            assertThat(out.getException()).isNull();
            assertThat(seen).containsExactlyInAnyOrder("split", "loop", "multicast");
            assertThat(out.getProperties()).doesNotContainKey(FlowStateConstants.ITERATIONS);
            assertThat(context.hasComponent("flowstate")).as("flowstate was never used").isNull();
        } finally {
            context.stop();
        }
    }

    /** Records where the exchange was, unless it carries an iteration position (then that is what is recorded). */
    private void note(String where, Exchange exchange) {
        Object position = exchange.getProperty(FlowStateConstants.ITERATIONS);
        seen.add(position == null ? where : where + " with " + position);
    }
}
