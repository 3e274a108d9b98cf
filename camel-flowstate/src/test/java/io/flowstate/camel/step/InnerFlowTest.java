package io.flowstate.camel.step;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.execution.ResumeException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A step that calls another flow (to("direct:…") into a route with its own flowstate:start) runs it as a child run
 * linked to the parent; a suspend inside the child suspends both, and resuming the child continues both.
 */
class InnerFlowTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void theInnerFlowIsAChildRunAndItsResultIsTheCallingStepsResult() {
        Exchange out = template.request("direct:order", e -> e.getMessage().setBody("order-1"));
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody()).isEqualTo("finished: charged order-1 (receipt)");

        FlowSnapshot parent = stored(out.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class));
        assertThat(parent.flowId()).isEqualTo("order");
        assertThat(parent.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(parent.completedSteps()).containsExactly("prepare", "pay", "finish");
        assertThat(parent.results().get("pay").asText()).isEqualTo("charged order-1 (receipt)");

        FlowSnapshot child = repository.find(io.flowstate.camel.snapshot.FlowSnapshotQuery.builder().flowId("payment")
                .build()).items().stream().map(s -> stored(s.executionId()))
                .filter(c -> parent.executionId().equals(c.parentExecutionId())).findFirst().orElseThrow();
        assertThat(child.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(child.completedSteps()).containsExactly("charge", "receipt");
    }

    @Test
    void aSuspendInTheChildSuspendsBothAndResumingTheChildFinishesBoth() {
        Exchange suspended = template.request("direct:approvedOrder", e -> e.getMessage().setBody("order-2"));
        assertThat(suspended.getException()).isNull();
        Map<?, ?> reply = suspended.getMessage().getBody(Map.class);
        String childId = (String) reply.get("executionId");
        FlowSnapshot child = stored(childId);
        assertThat(child.status()).isEqualTo(FlowStatus.SUSPENDED);
        FlowSnapshot parent = stored(child.parentExecutionId());
        assertThat(parent.status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(parent.waitingFor()).isEqualTo("inner:" + childId);

        // the parent cannot be resumed by itself: the inner run's token is not the parent's
        Exchange direct = resume(parent.executionId(), (String) reply.get("resumeToken"), "yes");
        assertThat(direct.getException()).isInstanceOf(ResumeException.InvalidToken.class)
                .hasMessageContaining("does not match run " + parent.executionId());

        Exchange resumed = resume(childId, (String) reply.get("resumeToken"), "yes");
        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo("finished: yes for order-2");
        assertThat(stored(childId).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(stored(parent.executionId()).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(runs.get("prepare").get()).isEqualTo(1);
        assertThat(runs.get("approve").get()).isEqualTo(1);
    }

    @Test
    void resumingAChildWhoseParentsRouteIsGoneIsRefusedAndLeavesBothSuspended() throws Exception {
        Exchange suspended = template.request("direct:approvedOrder", e -> e.getMessage().setBody("order-3"));
        Map<?, ?> reply = suspended.getMessage().getBody(Map.class);
        String childId = (String) reply.get("executionId");
        FlowSnapshot childBefore = stored(childId);
        FlowSnapshot parentBefore = stored(childBefore.parentExecutionId());
        context.getRouteController().stopRoute("approvedOrder");
        context.removeRoute("approvedOrder");

        Exchange resumed = resume(childId, (String) reply.get("resumeToken"), "yes");

        assertThat(resumed.getException()).isInstanceOf(ResumeException.RouteNotFound.class)
                .hasMessageContaining("approvedOrder");
        assertThat(stored(childId).status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(stored(childId).version()).isEqualTo(childBefore.version());
        assertThat(stored(parentBefore.executionId()).version()).isEqualTo(parentBefore.version());
    }

    @Test
    void aSuspendInAnInnerFlowCalledFromASplitIsRefusedAndTheParentDoesNotGoOn() {
        Exchange out = template.request("direct:splitApprovals", e -> e.getMessage().setBody(List.of("a", "b")));

        // the split (stopOnException) wraps the copy's failure
        assertThat(out.getException()).hasCauseInstanceOf(FlowStateException.class);
        assertThat(out.getException().getCause()).hasMessageContaining("inside a split, multicast or similar EIP");
        assertThat(runs.get("ship")).isNull();
    }

    @Test
    void recoveryOfAnInnerRunNeverReopensAParentThatFinished() {
        String parentId = "01a20736-0000-7000-8000-0000000000d1";
        FlowSnapshot parent = FlowSnapshot.builder().executionId(parentId).flowId("approvedOrder")
                .routeId("approvedOrder").status(FlowStatus.COMPLETED).createdAt(java.time.Instant.now())
                .completedSteps(List.of("prepare2", "approveStep", "finish2")).build();
        long parentVersion = repository.save(parent, 0);
        // an inner run whose COMPLETED save failed: still RUNNING, and its node's lease has expired
        FlowSnapshot child = FlowSnapshot.builder().executionId("01a20736-0000-7000-8000-0000000000d2")
                .flowId("approval").routeId("approval").status(FlowStatus.RUNNING).createdAt(java.time.Instant.now())
                .parentExecutionId(parentId).leaseOwner("dead-node")
                .leaseExpiresAt(java.time.Instant.now().minusSeconds(60)).build();
        repository.save(child, 0);

        context.getComponent("flowstate", io.flowstate.camel.FlowStateComponent.class).getMaintenance().runOnce();

        FlowSnapshot parentAfter = stored(parentId);
        assertThat(parentAfter.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(parentAfter.version()).isEqualTo(parentVersion);
        assertThat(runs.get("prepare")).isNull();
        assertThat(stored(child.executionId()).version()).isEqualTo(1);
    }

    @Test
    void retentionKeepsAFinishedInnerRunWhileItsParentWaitsSoItsStepsRunOnce() {
        // the parent suspends later in the step that called the inner flow: a resume runs that step again
        Exchange suspended = template.request("direct:payThenApprove", e -> e.getMessage().setBody("order-4"));
        assertThat(suspended.getException()).isNull();
        Map<?, ?> reply = suspended.getMessage().getBody(Map.class);
        String parentId = (String) reply.get("executionId");
        FlowSnapshot child = repository.find(io.flowstate.camel.snapshot.FlowSnapshotQuery.builder().flowId("payment")
                .build()).items().stream().map(s -> stored(s.executionId()))
                .filter(c -> parentId.equals(c.parentExecutionId())).findFirst().orElseThrow();
        assertThat(child.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(runs.get("charge").get()).isEqualTo(1);

        // what the maintenance calls, with no retention and a cap of 0
        repository.purgeFinished(java.time.Instant.now().plusSeconds(86_400));
        repository.purgeFinishedBeyond(0);

        Exchange resumed = resume(parentId, (String) reply.get("resumeToken"), "approved");

        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo("shipped: approved");
        assertThat(runs.get("charge").get()).as("the inner flow's steps ran once").isEqualTo(1);
        assertThat(stored(parentId).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(stored(child.executionId()).version()).isEqualTo(child.version());

        // the parent finished: its inner run is an ordinary finished run now
        repository.purgeFinishedBeyond(0);
        assertThat(repository.load(child.executionId())).isEmpty();
    }

    private Exchange resume(String id, String token, Object payload) {
        return template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, token);
            e.getMessage().setBody(payload);
        });
    }

    private FlowSnapshot stored(String id) {
        return repository.load(id).orElseThrow();
    }

    private void count(String step) {
        runs.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:resume").to("flowstate:resume");

                from("direct:order").routeId("order")
                        .to("flowstate:start:order")
                        .step("prepare").process(e -> count("prepare")).end()
                        .step("pay").to("direct:payment").end()
                        .step("finish").setBody(simple("finished: ${body}")).end();
                from("direct:payment").routeId("payment")
                        .to("flowstate:start:payment")
                        .step("charge").process(e -> count("charge")).setBody(simple("charged ${body}")).end()
                        .step("receipt").setBody(simple("${body} (receipt)")).end();

                from("direct:approvedOrder").routeId("approvedOrder")
                        .to("flowstate:start:approvedOrder")
                        .step("prepare2").process(e -> count("prepare")).end()
                        .step("approveStep").to("direct:approval").end()
                        .step("finish2").setBody(simple("finished: ${body}")).end();
                from("direct:payThenApprove").routeId("payThenApprove")
                        .to("flowstate:start:payThenApprove")
                        .step("payAndApprove").to("direct:payment").to("flowstate:suspend:manager2").end()
                        .step("ship3").setBody(simple("shipped: ${body}")).end();
                from("direct:splitApprovals").routeId("splitApprovals")
                        .to("flowstate:start:splitApprovals")
                        .split(body()).stopOnException().to("direct:approveItem").end()
                        .step("ship").process(e -> count("ship")).end();
                from("direct:approveItem").routeId("approveItem")
                        .to("flowstate:start:approveItem")
                        .to("flowstate:suspend:ok");
                from("direct:approval").routeId("approval")
                        .to("flowstate:start:approval")
                        .step("approve").process(e -> count("approve")).end()
                        .to("flowstate:set:order")
                        .to("flowstate:suspend:manager")
                        .setHeader("decision", body())
                        .to("flowstate:get:order")
                        .setBody(simple("${header.decision} for ${body}"));
            }
        };
    }
}
