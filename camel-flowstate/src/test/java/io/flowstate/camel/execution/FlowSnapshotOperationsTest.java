package io.flowstate.camel.execution;

import java.util.List;
import java.util.Map;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.OrderState;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import io.flowstate.camel.support.InvalidIdentifierException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * flowstate:snapshot, restore and complete: what a run leaves in the repository, and how a saved run ends.
 */
class FlowSnapshotOperationsTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void snapshotSavesTheRunRunningWithALeaseAndItsInput() {
        Exchange out = template.request("direct:snapshotTwice", e -> {
            e.getMessage().setBody("order-1");
            e.getMessage().setHeader("customer", "acme");
        });
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getHeader("firstVersion")).isEqualTo(1L);
        assertThat(out.getMessage().getHeader(FlowStateConstants.VERSION)).isEqualTo(2L);

        FlowSnapshot stored = stored(out);
        // the run ended after its snapshots: it was finished automatically
        assertThat(stored.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(stored.leaseOwner()).isNull();
        assertThat(stored.version()).isEqualTo(3L);
        assertThat(stored.state().toString()).isEqualTo("{\"a\":\"order-1\",\"n\":2}");
        assertThat(stored.input().get("body").asText()).isEqualTo("order-1");
        assertThat(stored.input().get("headers").get("customer").asText()).isEqualTo("acme");
        assertThat(stored.flowId()).isEqualTo("snapshots");
    }

    @Test
    void aSnapshotInTheMiddleHoldsALeaseOfThisNode() {
        Exchange out = template.request("direct:snapshotThenLook", e -> e.getMessage().setBody("x"));
        FlowSnapshot whileRunning = out.getMessage().getHeader("seen", FlowSnapshot.class);
        assertThat(whileRunning.status()).isEqualTo(FlowStatus.RUNNING);
        assertThat(whileRunning.leaseOwner()).startsWith(context.getName() + "@");
        assertThat(whileRunning.leaseExpiresAt()).isAfter(whileRunning.updatedAt());
    }

    @Test
    void aSavedRunThatEndsWithAnExceptionIsFailedWithItsMessage() {
        Exchange out = template.request("direct:snapshotThenFail", e -> e.getMessage().setBody("x"));
        assertThat(out.getException()).hasMessage("payment declined");
        FlowSnapshot stored = stored(out);
        assertThat(stored.status()).isEqualTo(FlowStatus.FAILED);
        assertThat(stored.failure()).contains("payment declined");
    }

    @Test
    void aRunNeverSavedLeavesNothingInTheRepository() {
        template.requestBody("direct:neverSaved", "x");
        assertThat(repository.find(FlowSnapshotQuery.builder().flowId("neverSaved").build()).items()).isEmpty();
    }

    @Test
    void restoreAttachesAStoredRunOnAnotherExchangeWithoutChangingIt() {
        Exchange first = template.request("direct:snapshotTwice", e -> e.getMessage().setBody("order-2"));
        String id = first.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        long versionBefore = stored(first).version();

        Exchange second = template.request("direct:restore",
                e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id));

        assertThat(second.getException()).isNull();
        assertThat(second.getMessage().getBody()).isEqualTo(Map.of("a", "order-2", "n", 2L));
        assertThat(second.getMessage().getHeader(FlowStateConstants.STATUS)).isEqualTo(FlowStatus.COMPLETED);
        assertThat(second.getMessage().getHeader(FlowStateConstants.FLOW_ID)).isEqualTo("snapshots");
        assertThat(stored(first).version()).isEqualTo(versionBefore);
    }

    @Test
    void aRestoredRunningRunContinuesAndIsFinishedByItsNewCarrier() {
        Exchange first = template.request("direct:snapshotOnly", e -> e.getMessage().setBody("x"));
        String id = first.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        // the first exchange ended: its saved run was completed
        assertThat(stored(first).status()).isEqualTo(FlowStatus.COMPLETED);

        Exchange out = template.request("direct:restoreAndSnapshot",
                e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id));
        assertThat(out.getException()).isInstanceOf(FlowStateException.class)
                .hasMessageContaining("is COMPLETED: a finished run cannot be saved again");
    }

    @Test
    void aRestoredSuspendedRunCannotBeSavedRunningWithoutItsResume() {
        FlowSnapshot waiting = FlowSnapshot.builder().executionId("01a20736-0000-7000-8000-0000000000cc")
                .flowId("orders").routeId("orders").status(FlowStatus.SUSPENDED).createdAt(java.time.Instant.now())
                .waitingFor("approval").resumeTokenHash("a".repeat(64)).build();
        long version = repository.save(waiting, 0);

        Exchange out = template.request("direct:restoreAndSnapshot",
                e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, waiting.executionId()));

        assertThat(out.getException()).isInstanceOf(FlowStateException.class)
                .hasMessageContaining("is SUSPENDED: only flowstate:resume").hasMessageContaining("Nothing was saved");
        FlowSnapshot after = repository.load(waiting.executionId()).orElseThrow();
        assertThat(after.status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(after.version()).isEqualTo(version);
        assertThat(after.waitingFor()).isEqualTo("approval");
    }

    @Test
    void completeInsideAStepEndsTheRunWithoutTheStepFailingAfterwards() {
        Exchange out = template.request("direct:completeInStep", e -> e.getMessage().setBody("order-9"));

        assertThat(out.getException()).isNull();
        FlowSnapshot stored = stored(out);
        assertThat(stored.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(stored.completedSteps()).containsExactly("prepare");
    }

    @Test
    void restoreOfAnUnknownRunFailsClearly() {
        Exchange out = template.request("direct:restore",
                e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, "01a20736-0000-7000-8000-000000000000"));
        assertThat(out.getException()).isInstanceOf(FlowRunNotFoundException.class)
                .hasMessageContaining("No run 01a20736-0000-7000-8000-000000000000 is stored");
    }

    @Test
    void restoreRejectsIdsThatCouldEscapeAPathOrSql() {
        for (String bad : List.of("../../etc/passwd", "x'; DROP TABLE flowstate_runs; --", "a/b", "nul\u0000")) {
            Exchange out = template.request("direct:restore",
                    e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, bad));
            assertThat(out.getException()).isInstanceOf(InvalidIdentifierException.class)
                    .hasMessageContaining("execution id");
        }
    }

    @Test
    void restoreWithoutAnIdNamesTheHeader() {
        Exchange out = template.request("direct:restore", e -> e.getMessage().setBody("x"));
        assertThat(out.getException()).isInstanceOf(FlowStateException.class)
                .hasMessageContaining("header CamelFlowStateExecutionId");
    }

    @Test
    @SuppressWarnings("unchecked")
    void completeSavesTheFinalSnapshotAndRepliesWithTheCloseSnapshot() {
        Exchange out = template.request("direct:complete", e -> e.getMessage().setBody("x"));
        assertThat(out.getException()).isNull();
        Map<String, Object> close = out.getMessage().getBody(Map.class);
        assertThat(close.get("status")).isEqualTo("COMPLETED");
        assertThat(close.get("flowId")).isEqualTo("completing");
        assertThat(close.get("executionId")).isEqualTo(out.getMessage().getHeader(FlowStateConstants.EXECUTION_ID));
        assertThat(close.get("state")).isEqualTo(Map.of("done", true));
        assertThat(close).containsKeys("results", "resourceNames");
        FlowSnapshot stored = stored(out);
        assertThat(stored.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(stored.version()).isEqualTo(1L);
    }

    @Test
    void typedStateIsCheckedAgainstItsClassOnRestore() {
        Exchange first = template.request("direct:typedSnapshot", e -> e.getMessage().setBody("x"));
        String id = first.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        Exchange out = template.request("direct:typedRestore",
                e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id));
        assertThat(out.getException()).isNull();
        assertThat(FlowExecution.find(out).orElseThrow().state().getState(OrderState.class))
                .isEqualTo(new OrderState("acme", 2, 0, List.of()));
    }

    @Test
    void aFailedCheckpointKeepsItsChangesForTheNextOne() {
        Exchange out = template.request("direct:conflictThenRetry", e -> e.getMessage().setBody("x"));
        assertThat(out.getException()).isNull();
        // "k" was written only before the failed checkpoint: only the requeued change can bring it here
        assertThat(stored(out).state()).isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(
                Map.of("other", "kept", "k", "first", "z", "later")));
    }

    private FlowSnapshot stored(Exchange exchange) {
        String id = exchange.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        return repository.load(id).orElseThrow();
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:snapshotTwice").routeId("snapshots")
                        .to("flowstate:set:a")
                        .to("flowstate:increment:n")
                        .to("flowstate:snapshot")
                        .setHeader("firstVersion", header(FlowStateConstants.VERSION))
                        .to("flowstate:increment:n")
                        .to("flowstate:snapshot");
                from("direct:snapshotThenLook")
                        .to("flowstate:snapshot")
                        .process(e -> e.getMessage().setHeader("seen", repository.load(
                                e.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class)).orElseThrow()));
                from("direct:snapshotThenFail")
                        .to("flowstate:snapshot")
                        .throwException(new IllegalStateException("payment declined"));
                from("direct:neverSaved").routeId("neverSaved")
                        .to("flowstate:set:a");
                from("direct:snapshotOnly")
                        .to("flowstate:snapshot");
                from("direct:restore")
                        .to("flowstate:restore")
                        .to("flowstate:getAll");
                from("direct:restoreAndSnapshot")
                        .to("flowstate:restore")
                        .to("flowstate:set:more")
                        .to("flowstate:snapshot");
                from("direct:completeInStep").routeId("completeInStep")
                        .to("flowstate:start")
                        .step("prepare").setBody(simple("prepared ${body}")).end()
                        .step("close").to("flowstate:complete").end();
                from("direct:complete")
                        .to("flowstate:start:completing")
                        .setBody(constant(true))
                        .to("flowstate:set:done")
                        .to("flowstate:complete");
                from("direct:typedSnapshot")
                        .to("flowstate:start?stateClass=" + OrderState.class.getName())
                        .setBody(constant("acme")).to("flowstate:set:customer")
                        .to("flowstate:increment:attempts?by=2")
                        .to("flowstate:snapshot");
                from("direct:typedRestore")
                        .to("flowstate:restore?stateClass=" + OrderState.class.getName());
                from("direct:conflictThenRetry")
                        .setBody(constant("kept")).to("flowstate:set:other")
                        .to("flowstate:snapshot")
                        .setBody(constant("first")).to("flowstate:set:k")
                        // someone else writes the run: this node's next checkpoint conflicts and must keep its changes
                        .process(e -> {
                            String id = e.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
                            FlowSnapshot current = repository.load(id).orElseThrow();
                            repository.save(current, current.version());
                        })
                        .doTry()
                            .to("flowstate:snapshot")
                        .doCatch(io.flowstate.camel.snapshot.FlowSnapshotConflictException.class)
                            .process(e -> {
                                // take the run back as the other writer left it, then the retry carries every change
                                String id = e.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
                                FlowSnapshot current = repository.load(id).orElseThrow();
                                FlowExecution run = FlowExecution.find(e).orElseThrow();
                                run.saveState().saved(current.version(), FlowStatus.RUNNING, null, null);
                            })
                        .end()
                        .setBody(constant("later")).to("flowstate:set:z")
                        .to("flowstate:snapshot");
            }
        };
    }

    FlowStateComponent component() {
        return context.getComponent("flowstate", FlowStateComponent.class);
    }
}
