package io.flowstate.camel.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Observers hear what happens to runs, in order, once each, after it was stored; one that throws never breaks a run.
 */
class RunObserverTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
    private final List<String> heard = new CopyOnWriteArrayList<>();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @BeforeEach
    void listen() {
        FlowExecutions executions = context.getComponent("flowstate", FlowStateComponent.class).getExecutions();
        executions.addObserver(new RunObserver() {
            @Override
            public void started(FlowExecution run) {
                throw new IllegalStateException("a broken observer");
            }
        });
        executions.addObserver(new RunObserver() {
            @Override
            public void started(FlowExecution run) {
                heard.add("started " + run.getFlowId());
            }

            @Override
            public void checkpointed(FlowExecution run, Duration took) {
                heard.add("checkpointed " + run.getStatus() + (took.isNegative() ? " in negative time" : ""));
            }

            @Override
            public void suspended(FlowExecution run, String waitingFor) {
                heard.add("suspended " + waitingFor);
            }

            @Override
            public void finished(FlowExecution run, FlowStatus status) {
                heard.add("finished " + status);
            }

            @Override
            public void continued(FlowExecution run, Continuation how) {
                heard.add("continued " + how);
            }

            @Override
            public void resumed(String flowId, Duration took) {
                heard.add("resumed " + flowId);
            }

            @Override
            public void maintenancePassEnded(
                    Instant startedAt, Duration took, int continued, int removed, Exception failure) {
                heard.add("maintenance " + (failure == null ? "completed" : "failed"));
            }
        });
    }

    @Test
    void aRunThatSuspendsAndIsResumedIsHeardStepByStep() {
        Map<?, ?> reply = template.requestBody("direct:order", "o-1", Map.class);

        Exchange resumed = template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, reply.get("executionId"));
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, reply.get("resumeToken"));
            e.getMessage().setBody("ok");
        });

        assertThat(resumed.getException()).isNull();
        // the component's own maintenance passes may be heard in between: this test is about the run
        heard.removeIf(event -> event.startsWith("maintenance"));
        assertThat(heard.stream().filter(event -> !event.equals("checkpointed RUNNING"))).containsExactly(
                "started order",
                "checkpointed SUSPENDED", "suspended approval",
                "continued RESUMED",
                "checkpointed COMPLETED", "finished COMPLETED",
                "resumed order");
        // after the resume, one checkpoint: step check (the run began at the suspend, so check is a step of it only
        // now); the suspend step's payload was saved by the claim, and step ship, the last, by the completion
        assertThat(heard.subList(heard.indexOf("continued RESUMED"), heard.indexOf("checkpointed COMPLETED")))
                .containsExactly("continued RESUMED", "checkpointed RUNNING");
    }

    @Test
    void aMaintenancePassIsHeardWhenItEnds() {
        context.getComponent("flowstate", FlowStateComponent.class).getMaintenance().runOnce();

        assertThat(heard).contains("maintenance completed");
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:order").routeId("order")
                        .step("check").setBody(simple("checked ${body}")).end()
                        .to("flowstate:suspend:approval")
                        .step("ship").setBody(simple("shipped ${body}")).end();
                from("direct:resume").to("flowstate:resume");
            }
        };
    }
}
