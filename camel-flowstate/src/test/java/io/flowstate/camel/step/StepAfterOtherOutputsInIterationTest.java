package io.flowstate.camel.step;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A step inside a split or loop that is not the first thing there (another processor comes before it) still runs
 * once per iteration and records one result per iteration: it must not take the first iteration's result for all.
 */
class StepAfterOtherOutputsInIterationTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void aStepAfterAnotherProcessorInASplitRunsForEveryItem() {
        Exchange out = template.request("direct:split", e -> e.getMessage().setBody(List.of(1, 2, 3)));

        assertThat(out.getException()).isNull();
        assertThat(runs.get("charge").get()).isEqualTo(3);
        FlowSnapshot stored = stored(out);
        assertThat(stored.results().get("charge[0]").intValue()).isEqualTo(10);
        assertThat(stored.results().get("charge[2]").intValue()).isEqualTo(30);
        assertThat(stored.completedSteps()).contains("charge[0]", "charge[1]", "charge[2]").doesNotContain("charge");
    }

    @Test
    void aStepAfterAnotherProcessorInALoopRunsForEveryIteration() {
        Exchange out = template.request("direct:loop", e -> e.getMessage().setBody(0));

        assertThat(out.getException()).isNull();
        assertThat(runs.get("poll").get()).isEqualTo(3);
        assertThat(out.getMessage().getBody(Integer.class)).isEqualTo(3);
        assertThat(stored(out).completedSteps()).contains("poll[0]", "poll[1]", "poll[2]");
    }

    private FlowSnapshot stored(Exchange exchange) {
        return repository.load(exchange.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class))
                .orElseThrow();
    }

    private void count(String step) {
        runs.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:split").routeId("split")
                        .to("flowstate:start")
                        .split(body())
                            .setHeader("item", body())
                            .step("charge")
                                .process(e -> count("charge"))
                                .setBody(e -> e.getMessage().getHeader("item", Integer.class) * 10)
                            .end()
                        .end();
                from("direct:loop").routeId("loop")
                        .to("flowstate:start")
                        .loop(3)
                            .setHeader("round", simple("${exchangeProperty.CamelLoopIndex}"))
                            .step("poll")
                                .process(e -> count("poll"))
                                .setBody(e -> e.getMessage().getBody(Integer.class) + 1)
                            .end()
                        .end();
            }
        };
    }
}
