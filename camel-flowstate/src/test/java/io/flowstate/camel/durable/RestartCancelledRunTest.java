package io.flowstate.camel.durable;

import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.HistoryEvent;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A CANCELLED run restarts like a FAILED one: from where it stopped, as its next attempt, its history telling both.
 */
class RestartCancelledRunTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
    private final AtomicInteger reserved = new AtomicInteger();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:order").to("flowstate:start")
                        .step("reserve").process(e -> reserved.incrementAndGet()).end()
                        .to("flowstate:suspend:approval")
                        .step("ship").setBody(constant("shipped")).end();
                from("direct:cancel").to("flowstate:cancel");
                from("direct:restart").to("flowstate:restart");
                from("direct:resume").to("flowstate:resume");
            }
        };
    }

    @Test
    void aCancelledRunRestartsFromWhereItStoppedAsItsNextAttempt() {
        String id = template.request("direct:order", e -> e.getMessage().setBody("o-1")).getMessage()
                .getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        template.request("direct:cancel", e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id));
        assertThat(stored(id).status()).isEqualTo(FlowStatus.CANCELLED);

        Exchange restarted = template.request("direct:restart", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.ACTOR, "ops");
        });

        assertThat(restarted.getException()).isNull();
        assertThat(restarted.getMessage().getHeader(FlowStateConstants.STATUS)).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(stored(id).attempt()).isEqualTo(2);
        assertThat(reserved).hasValue(1);
        Exchange done = template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN,
                    restarted.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN));
        });
        assertThat(done.getMessage().getBody()).isEqualTo("shipped");
        FlowSnapshot after = stored(id);
        assertThat(after.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(after.historyEvents()).extracting(HistoryEvent::type).containsSubsequence(
                HistoryEvent.Type.SUSPENDED, HistoryEvent.Type.CANCELLED, HistoryEvent.Type.RESTARTED,
                HistoryEvent.Type.SUSPENDED, HistoryEvent.Type.RESUMED, HistoryEvent.Type.COMPLETED);
    }

    private FlowSnapshot stored(String id) {
        return repository.load(id).orElseThrow();
    }
}
