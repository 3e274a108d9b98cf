package io.flowstate.camel.execution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.HistoryEvent;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import io.flowstate.camel.support.InvalidIdentifierException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * flowstate:cancel from Java routes: a run held by a live node stops at its next step boundary (no later step starts),
 * a run nobody holds (suspended, sleeping, RUNNING with an expired lease) is cancelled at once, the onCancel route runs
 * once, the scratch directory goes and managed resources are closed; bad input is refused with nothing stored changed.
 */
class RunCancelTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final AtomicInteger laterSteps = new AtomicInteger();
    private final AtomicReference<String> heldRun = new AtomicReference<>();
    private final AtomicReference<String> workDir = new AtomicReference<>();

    private final AtomicInteger resourcesClosed = new AtomicInteger();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
        registry.bind("conn", (FlowResourceFactory<AutoCloseable>) run -> resourcesClosed::incrementAndGet);
    }

    @Test
    void aRunHeldByALiveNodeStopsAtItsNextStepBoundaryAndNoLaterStepStarts() throws Exception {
        MockEndpoint onCancel = getMockEndpoint("mock:onCancel");
        onCancel.expectedMessageCount(1);
        Future<Exchange> running = template.asyncSend("direct:long", e -> e.getMessage().setBody("order-1"));
        assertThat(slowStarted.await(30, TimeUnit.SECONDS)).isTrue();
        String id = heldRun.get();
        FlowSnapshot before = repository.load(id).orElseThrow();
        assertThat(before.status()).isEqualTo(FlowStatus.RUNNING);
        assertThat(before.leaseExpiresAt()).isAfter(Instant.now());

        Exchange cancel = cancel(id, "ops", "duplicate order");

        assertThat(cancel.getException()).isNull();
        assertThat(cancel.getMessage().getBody(Map.class)).containsEntry("status", "RUNNING")
                .containsEntry("cancelled", false);
        assertThat(repository.load(id).orElseThrow().cancelRequestedAt()).isNotNull();
        assertThat(Files.exists(Path.of(workDir.get()))).isTrue();
        assertThat(resourcesClosed).hasValue(0);

        releaseSlow.countDown();
        Exchange ended = running.get(30, TimeUnit.SECONDS);

        assertThat(ended.getException()).isNull();
        assertThat(ended.getMessage().getHeader(FlowStateConstants.STATUS)).isEqualTo(FlowStatus.CANCELLED);
        assertThat(laterSteps).hasValue(0);
        FlowSnapshot after = repository.load(id).orElseThrow();
        assertThat(after.status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(after.leaseOwner()).isNull();
        assertThat(after.cancelRequestedAt()).isNull();
        assertThat(after.completedSteps()).containsExactly("first", "slow");
        assertThat(after.historyEvents()).extracting(HistoryEvent::type).containsExactly(HistoryEvent.Type.STARTED,
                HistoryEvent.Type.STEP_COMPLETED, HistoryEvent.Type.STEP_COMPLETED, HistoryEvent.Type.CANCELLED);
        assertThat(after.historyEvents().get(3).json().get("actor").asText()).isEqualTo("ops");
        assertThat(after.historyEvents().get(3).json().get("reason").asText()).isEqualTo("duplicate order");
        assertThat(Files.exists(Path.of(workDir.get()))).isFalse();
        assertThat(resourcesClosed).as("the managed resource is closed when the run ends cancelled").hasValue(1);
        onCancel.assertIsSatisfied();
        assertThat(onCancel.getReceivedExchanges().get(0).getMessage().getHeader(FlowStateConstants.EXECUTION_ID))
                .isEqualTo(id);
        assertThat(onCancel.getReceivedExchanges().get(0).getMessage().getBody(String.class)).isEqualTo("order-1");
    }

    @Test
    void aRunWithManualCheckpointsStopsAtItsNextSnapshot() throws Exception {
        Future<Exchange> running = template.asyncSend("direct:manual", e -> e.getMessage().setBody("order-8"));
        assertThat(slowStarted.await(30, TimeUnit.SECONDS)).isTrue();
        String id = heldRun.get();

        assertThat(cancel(id, "ops", null).getMessage().getHeader(FlowStateConstants.STATUS))
                .isEqualTo(FlowStatus.RUNNING);
        releaseSlow.countDown();
        Exchange ended = running.get(30, TimeUnit.SECONDS);

        assertThat(ended.getException()).isNull();
        assertThat(ended.getMessage().getHeader(FlowStateConstants.STATUS)).isEqualTo(FlowStatus.CANCELLED);
        assertThat(laterSteps).hasValue(0);
        assertThat(repository.load(id).orElseThrow().status()).isEqualTo(FlowStatus.CANCELLED);
    }

    @Test
    void aRunAskedToStopWhoseNodeDiedIsCancelledByRecoveryNotContinued() throws Exception {
        MockEndpoint onCancel = getMockEndpoint("mock:onCancel");
        onCancel.expectedMessageCount(1);
        String id = "01a20736-0000-7000-8000-0000000000c2";
        repository.save(FlowSnapshot.builder().executionId(id).flowId("long").routeId("long").status(FlowStatus.RUNNING)
                .createdAt(Instant.now().minusSeconds(120)).leaseOwner("dead-node")
                .leaseExpiresAt(Instant.now().minusSeconds(60)).cancelRequest(Instant.now().minusSeconds(70), "ops",
                        "stop it")
                .state(JsonNodeFactory.instance.objectNode().put("order", "order-9")).build(), 0);

        context.getComponent("flowstate", FlowStateComponent.class).getMaintenance().runOnce();

        FlowSnapshot stored = repository.load(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(stored.historyEvents()).extracting(HistoryEvent::type).containsExactly(HistoryEvent.Type.LEASE_LOST,
                HistoryEvent.Type.CANCELLED);
        assertThat(stored.historyEvents().get(1).json().get("actor").asText()).isEqualTo("ops");
        assertThat(stored.historyEvents().get(1).json().get("reason").asText()).isEqualTo("stop it");
        onCancel.assertIsSatisfied();
        assertThat(laterSteps).hasValue(0);
    }

    @Test
    void aSuspendedRunIsCancelledAtOnceAndAResumeOfItIsRefused() throws Exception {
        MockEndpoint onCancel = getMockEndpoint("mock:onCancel");
        onCancel.expectedMessageCount(1);
        Exchange suspended = template.request("direct:approval", e -> e.getMessage().setBody("order-2"));
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        String token = suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN, String.class);

        Exchange cancel = cancel(id, null, null);

        assertThat(cancel.getMessage().getHeader(FlowStateConstants.STATUS)).isEqualTo(FlowStatus.CANCELLED);
        FlowSnapshot stored = repository.load(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(stored.waitingFor()).isNull();
        onCancel.assertIsSatisfied();
        Exchange resume = template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, token);
        });
        assertThat(resume.getException()).hasMessageContaining("is CANCELLED, not SUSPENDED");
        assertThat(repository.load(id).orElseThrow()).isEqualTo(stored);
        assertThat(laterSteps).hasValue(0);
    }

    @Test
    void aSleepingRunIsCancelledAtOnce() {
        Exchange sleeping = template.request("direct:nap", e -> e.getMessage().setBody("order-3"));
        String id = sleeping.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        assertThat(repository.load(id).orElseThrow().wakeAt()).isNotNull();

        cancel(id, "ops", null);

        FlowSnapshot stored = repository.load(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(stored.wakeAt()).isNull();
        assertThat(stored.historyEvents()).extracting(HistoryEvent::type).contains(HistoryEvent.Type.SLEPT)
                .endsWith(HistoryEvent.Type.CANCELLED);
    }

    @Test
    void aRunningRunWhoseLeaseExpiredIsCancelledAtOnceRecordingTheLostLease() throws Exception {
        MockEndpoint onCancel = getMockEndpoint("mock:onCancel");
        onCancel.expectedMessageCount(1);
        String id = "01a20736-0000-7000-8000-0000000000c1";
        repository.save(FlowSnapshot.builder().executionId(id).flowId("long").routeId("long").status(FlowStatus.RUNNING)
                .createdAt(Instant.now().minusSeconds(120)).leaseOwner("dead-node")
                .leaseExpiresAt(Instant.now().minusSeconds(60))
                .state(JsonNodeFactory.instance.objectNode().put("order", "order-4")).build(), 0);

        Exchange cancel = cancel(id, "ops", "node gone");

        assertThat(cancel.getMessage().getHeader(FlowStateConstants.STATUS)).isEqualTo(FlowStatus.CANCELLED);
        FlowSnapshot stored = repository.load(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(stored.leaseOwner()).isNull();
        List<HistoryEvent> events = stored.historyEvents();
        assertThat(events).extracting(HistoryEvent::type).containsExactly(HistoryEvent.Type.LEASE_LOST,
                HistoryEvent.Type.CANCELLED);
        assertThat(events.get(0).json().get("node").asText()).isEqualTo("dead-node");
        onCancel.assertIsSatisfied();
        assertThat(onCancel.getReceivedExchanges().get(0).getMessage().getBody(String.class)).isEqualTo("order-4");
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void aFinishedRunCannotBeCancelledAndStaysAsItWas() {
        Exchange done = template.request("direct:quick", e -> e.getMessage().setBody("order-5"));
        String id = done.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        FlowSnapshot before = repository.load(id).orElseThrow();
        assertThat(before.status()).isEqualTo(FlowStatus.COMPLETED);

        Exchange cancel = cancel(id, "ops", null);

        assertThat(cancel.getException()).isInstanceOf(RunNotCancellableException.class)
                .hasMessage("Run " + id + " of flow 'quick' is COMPLETED: only a RUNNING or"
                                                     + " SUSPENDED run can be cancelled. Nothing was changed.");
        assertThat(repository.load(id).orElseThrow()).isEqualTo(before);
    }

    @Test
    void aCancelledRunCannotBeCancelledAgain() {
        Exchange suspended = template.request("direct:approval", e -> e.getMessage().setBody("order-6"));
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        cancel(id, "ops", null);
        FlowSnapshot cancelled = repository.load(id).orElseThrow();

        Exchange again = cancel(id, "ops", null);

        assertThat(again.getException()).hasMessageContaining("is CANCELLED: only a RUNNING or SUSPENDED run can be"
                                                              + " cancelled. Nothing was changed.");
        assertThat(repository.load(id).orElseThrow()).isEqualTo(cancelled);
    }

    @Test
    void anUnknownMalformedOrMissingIdIsRefusedNamingIt() {
        Exchange unknown = cancel("01a20736-0000-7000-8000-0000000000ff", null, null);
        assertThat(unknown.getException()).isInstanceOf(FlowRunNotFoundException.class)
                .hasMessageContaining("No run 01a20736-0000-7000-8000-0000000000ff is stored");

        Exchange malformed = cancel("../etc", null, null);
        assertThat(malformed.getException()).isInstanceOf(InvalidIdentifierException.class)
                .hasMessageContaining("../etc");

        Exchange missing = template.request("direct:cancel", e -> e.getMessage().setBody("x"));
        assertThat(missing.getException()).hasMessage(
                "flowstate:cancel needs the id of the run in header " + FlowStateConstants.EXECUTION_ID);
        assertThat(repository.countRuns(Instant.now()).total()).isZero();
    }

    @Test
    void aReasonTooLongIsRefusedAndTheRunStaysSuspended() {
        Exchange suspended = template.request("direct:approval", e -> e.getMessage().setBody("order-7"));
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        FlowSnapshot before = repository.load(id).orElseThrow();

        Exchange cancel = cancel(id, "ops", "x".repeat(1001));

        assertThat(cancel.getException()).hasMessage("The reason (header CamelFlowStateReason) of flowstate:cancel is"
                                                      + " 1001 characters long, more than the 1000 allowed. Nothing"
                                                      + " was changed.");
        assertThat(repository.load(id).orElseThrow()).isEqualTo(before);
    }

    private Exchange cancel(String id, String actor, String reason) {
        return template.request("direct:cancel", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.ACTOR, actor);
            e.getMessage().setHeader(FlowStateConstants.REASON, reason);
        });
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:cancel").to("flowstate:cancel");
                from("direct:resume").to("flowstate:resume");
                from("direct:onCancel").to("flowstate:get:order").to("mock:onCancel");

                from("direct:long").routeId("long")
                        .to("flowstate:start?onCancel=direct:onCancel")
                        .to("flowstate:set:order")
                        .step("first").to("flowstate:workdir").to("flowstate:resource:conn")
                        .setBody(constant("first done"))
                        .process(e -> workDir.set(e.getMessage().getHeader(FlowStateConstants.WORK_DIR, String.class)))
                        .end()
                        .step("slow").process(e -> {
                            heldRun.set(e.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class));
                            slowStarted.countDown();
                            assertThat(releaseSlow.await(30, TimeUnit.SECONDS)).isTrue();
                        }).end()
                        .step("after").process(e -> laterSteps.incrementAndGet()).end();

                from("direct:manual").routeId("manual")
                        .to("flowstate:start?checkpoint=manual")
                        .to("flowstate:snapshot")
                        .step("slowManual").process(e -> {
                            heldRun.set(e.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class));
                            slowStarted.countDown();
                            assertThat(releaseSlow.await(30, TimeUnit.SECONDS)).isTrue();
                        }).end()
                        .to("flowstate:snapshot")
                        .step("afterManual").process(e -> laterSteps.incrementAndGet()).end();

                from("direct:approval").routeId("approval")
                        .to("flowstate:start?onCancel=direct:onCancel")
                        .to("flowstate:set:order")
                        .step("check").setBody(simple("checked ${body}")).end()
                        .to("flowstate:suspend:approval")
                        .step("ship").process(e -> laterSteps.incrementAndGet()).end();

                from("direct:nap").routeId("nap").to("flowstate:start")
                        .step("prepare").setBody(simple("prepared ${body}")).end()
                        .to("flowstate:sleep?duration=PT1H")
                        .step("wake").process(e -> laterSteps.incrementAndGet()).end();

                from("direct:quick").routeId("quick").to("flowstate:start")
                        .step("only").setBody(simple("done ${body}")).end();
            }
        };
    }
}
