package io.flowstate.camel.dsl;

import java.util.List;
import java.util.Map;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * flowstate:cancel, flowstate:history and the onCancel route of flowstate:start, written the way users write them in
 * Java, YAML and XML ({@code routes/flowstate-history-cancel.yaml|.xml}): a suspended order is cancelled by an
 * operator, its onCancel route runs once with the run's state, its history tells who started and who cancelled it, and
 * a later resume is refused.
 */
class HistoryAndCancelDslTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void aCancelledSuspendedRunRunsItsOnCancelRouteAndKeepsWhoDidWhatInItsHistory(Dsl dsl) throws Exception {
        dsl.load(context, "flowstate-history-cancel", new JavaRoutes());
        MockEndpoint cancelled = getMockEndpoint("mock:cancelled");
        cancelled.expectedBodiesReceived("order-7");

        Exchange suspended = template.request("direct:orderApproval", e -> {
            e.getMessage().setBody("order-7");
            e.getMessage().setHeader(FlowStateConstants.ACTOR, "alice");
        });
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        String token = suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN, String.class);

        Exchange cancel = template.request("direct:cancel", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.ACTOR, "bob");
            e.getMessage().setHeader(FlowStateConstants.REASON, "customer withdrew");
        });

        assertThat(cancel.getException()).isNull();
        assertThat(cancel.getMessage().getHeader(FlowStateConstants.STATUS)).isEqualTo(FlowStatus.CANCELLED);
        assertThat(cancel.getMessage().getBody(Map.class)).containsEntry("status", "CANCELLED");
        cancelled.assertIsSatisfied();
        Exchange onCancel = cancelled.getReceivedExchanges().get(0);
        assertThat(onCancel.getMessage().getHeader(FlowStateConstants.EXECUTION_ID)).isEqualTo(id);
        assertThat(onCancel.getMessage().getHeader(FlowStateConstants.REASON)).isEqualTo("customer withdrew");

        FlowSnapshot stored = repository.load(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(FlowStatus.CANCELLED);

        Exchange history = template.request("direct:history",
                e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> events = history.getMessage().getBody(List.class);
        assertThat(events).extracting(e -> e.get("type"))
                .containsExactly("STARTED", "STEP_COMPLETED", "SUSPENDED", "CANCELLED");
        assertThat(events.get(0)).containsEntry("actor", "alice");
        assertThat(events.get(1)).containsEntry("step", "check").containsKey("durationMs").containsKey("at");
        assertThat(events.get(2)).containsEntry("name", "approval");
        assertThat(events.get(3)).containsEntry("actor", "bob").containsEntry("reason", "customer withdrew");

        Exchange resume = template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, token);
            e.getMessage().setBody("approved");
        });
        assertThat(resume.getException()).hasMessageContaining("is CANCELLED, not SUSPENDED");
        assertThat(repository.load(id).orElseThrow().version()).isEqualTo(stored.version());
        cancelled.assertIsSatisfied(); // still once
    }

    /** The Java twin of the YAML and XML routes. */
    static final class JavaRoutes extends RouteBuilder {
        @Override
        public void configure() {
            from("direct:orderApproval").routeId("orderApproval")
                    .to("flowstate:start?onCancel=direct:orderCancelled")
                    .to("flowstate:set:order")
                    .step("check").setBody(simple("checked ${body}")).end()
                    .to("flowstate:suspend:approval")
                    .step("ship").setBody(simple("shipped ${body}")).end();
            from("direct:orderCancelled").routeId("orderCancelled").to("flowstate:get:order").to("mock:cancelled");
            from("direct:cancel").routeId("cancelRun").to("flowstate:cancel");
            from("direct:history").routeId("runHistory").to("flowstate:history");
            from("direct:resume").routeId("resumeRun").to("flowstate:resume");
        }
    }
}
