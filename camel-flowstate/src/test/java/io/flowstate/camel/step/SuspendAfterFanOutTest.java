package io.flowstate.camel.step;

import java.util.List;
import java.util.Map;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After a split or multicast with an aggregation strategy the original exchange goes on with properties of the
 * copies: a suspend (or a first operation) there is on the original, and must work; inside the copies it must not.
 */
class SuspendAfterFanOutTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void aSuspendRightAfterAnAggregatingMulticastSuspendsTheRun() {
        Exchange out = template.request("direct:fanOutThenApprove", e -> e.getMessage().setBody("x"));
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getHeader(FlowStateConstants.STATUS)).isEqualTo(FlowStatus.SUSPENDED);
        String id = (String) out.getMessage().getBody(Map.class).get("executionId");
        assertThat(repository.load(id).orElseThrow().results().get("fanA[0]").asText()).isEqualTo("a");
    }

    @Test
    void aFirstOperationAfterAnAggregatingSplitStartsTheRun() {
        Exchange out = template.request("direct:splitThenState", e -> e.getMessage().setBody(List.of(1, 2)));
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody()).isEqualTo(1L);
    }

    @Test
    void aSuspendInsideASplitIsRefused() {
        Exchange out = template.request("direct:suspendInSplit", e -> e.getMessage().setBody(List.of(1, 2)));
        assertThat(out.getException()).isInstanceOf(FlowStateException.class)
                .hasMessageContaining("is inside a split, multicast or similar EIP");
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        AggregationStrategy grouped = new GroupedBodyAggregationStrategy();
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:fanOutThenApprove").routeId("fanOutThenApprove")
                        .to("flowstate:start")
                        .multicast(grouped)
                            .step("fanA").setBody(constant("a")).end()
                            .step("fanB").setBody(constant("b")).end()
                        .end()
                        .to("flowstate:suspend:fanApproval");
                from("direct:splitThenState")
                        .split(body(), grouped).setBody(simple("${body}")).end()
                        .to("flowstate:increment:n");
                from("direct:suspendInSplit")
                        .to("flowstate:start")
                        .split(body()).to("flowstate:suspend:inside").end();
            }
        };
    }
}
