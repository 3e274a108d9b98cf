package io.flowstate.camel.durable;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.execution.FlowContextBusyException;
import io.flowstate.camel.execution.FlowRunNotFoundException;
import io.flowstate.camel.execution.RestartException;
import io.flowstate.camel.execution.RunObserver;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.FlowStateComponent;
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
import static org.awaitility.Awaitility.await;

/**
 * What {@code flowstate:restart} refuses — a run that is not FAILED, a step the route does not have, a run it cannot
 * name, an inner run, the loser of two concurrent restarts — each with a message that says what is allowed, and the
 * stored run exactly as it was. Also what the history is told of a restart that goes on, and how a restarted run of a
 * context takes the context again (or is refused while another run holds it).
 */
class RestartRefusalsTest extends CamelTestSupport {

    private final LoadBarrierRepository repository = new LoadBarrierRepository();
    private final RestartProbe probe = new RestartProbe();
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
        registry.bind("probe", probe);
    }

    @Override
    protected RouteBuilder[] createRouteBuilders() {
        return new RouteBuilder[] { new RestartJavaRoutes(), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:restartFrom").routeId("restartFrom")
                        .toD("flowstate:restart?fromStep=${header.step}");
                from("direct:approval").routeId("approval")
                        .to("flowstate:start")
                        .step("ask").setBody(constant("asked")).end()
                        .to("flowstate:suspend:approval");
                from("direct:held").routeId("held")
                        .to("flowstate:start")
                        .step("first").setBody(constant("first")).end()
                        .step("hold").process(e -> release.await(30, TimeUnit.SECONDS)).end();
                from("direct:visit").routeId("visit")
                        .to("flowstate:start")
                        .step("count").to("flowstate:increment:visits").end()
                        .step("check").bean("probe", "failIfBroken('check')").end();
                from("direct:outer").routeId("outer")
                        .to("flowstate:start")
                        .step("callInner").to("direct:inner").end();
                from("direct:inner").routeId("inner")
                        .to("flowstate:start:innerFlow")
                        .step("innerCheck").setBody(constant("checked")).end()
                        .step("innerPay").bean("probe", "failIfBroken('innerPay')").end();
            }
        } };
    }

    @Test
    void aCompletedRunIsRefusedSayingWhichStatusesCanRestart() {
        String id = run("direct:order", "o-1");
        FlowSnapshot before = stored(id);
        assertThat(before.status()).isEqualTo(FlowStatus.COMPLETED);

        assertRefused(restart("direct:restart", id, null), RestartException.class,
                "is COMPLETED: only a run that is FAILED or CANCELLED can be restarted. Nothing was changed.");
        assertThat(stored(id)).isEqualTo(before);
    }

    @Test
    void aSuspendedRunIsRefused() {
        String id = run("direct:approval", "x");
        FlowSnapshot before = stored(id);
        assertThat(before.status()).isEqualTo(FlowStatus.SUSPENDED);

        assertRefused(restart("direct:restart", id, null), RestartException.class,
                "is SUSPENDED: only a run that is FAILED or CANCELLED can be restarted");
        assertThat(stored(id)).isEqualTo(before);
    }

    @Test
    void aRunningRunHeldByALiveNodeIsRefused() throws Exception {
        CompletableFuture<Exchange> held = template.asyncSend("direct:held", e -> e.getMessage().setBody("x"));
        await().atMost(Duration.ofSeconds(20)).until(() -> heldRun().isPresent());
        String id = heldRun().orElseThrow().executionId();
        FlowSnapshot before = stored(id);

        assertRefused(restart("direct:restart", id, null), RestartException.class,
                "is RUNNING: only a run that is FAILED or CANCELLED can be restarted");
        assertThat(stored(id)).isEqualTo(before);

        release.countDown();
        assertThat(held.get(20, TimeUnit.SECONDS).getException()).isNull();
        assertThat(stored(id).status()).isEqualTo(FlowStatus.COMPLETED);
    }

    @Test
    void aStepTheRouteDoesNotHaveIsRefusedListingTheStepsItHas() {
        String id = failedOrder();
        FlowSnapshot before = stored(id);

        assertRefused(restart("direct:restartFrom", id, "refund"), RestartException.class,
                "has no step 'refund' (fromStep=refund): route 'order' has the steps [reserve, price, pay, ship,"
                                                                                         + " notify]. Nothing was changed.");
        assertRefused(restart("direct:restartFrom", id, "refund[2]"), RestartException.class, "has no step 'refund'");
        // a step of another route is not one of this run's steps
        assertRefused(restart("direct:restartFrom", id, "confirm"), RestartException.class, "has no step 'confirm'");
        assertThat(stored(id)).isEqualTo(before);
        assertThat(probe.count("reserve")).isEqualTo(1);
    }

    @Test
    void aFromStepThatIsNoStepKeyIsRefused() {
        String id = failedOrder();
        FlowSnapshot before = stored(id);

        assertRefused(restart("direct:restartFrom", id, "pay[x]"), RestartException.class,
                "fromStep 'pay[x]' is not a step id, nor a step id with iteration indexes such as charge[3]");
        assertThat(stored(id)).isEqualTo(before);
    }

    @Test
    void aRestartNeedsTheIdOfAStoredRun() {
        String id = failedOrder();
        FlowSnapshot before = stored(id);

        assertRefused(template.request("direct:restart", e -> e.getMessage().setBody("x")), null,
                "flowstate:restart needs the id of the run to restart in header CamelFlowStateExecutionId");
        assertRefused(restart("direct:restart", "0190a1b2-0000-7000-8000-000000000000", null),
                FlowRunNotFoundException.class, "No run 0190a1b2-0000-7000-8000-000000000000 is stored");
        assertRefused(restart("direct:restart", "../" + id, null), InvalidIdentifierException.class, "../");
        assertThat(stored(id)).isEqualTo(before);
    }

    @Test
    void anInnerRunIsRefusedNamingTheRunToRestart() {
        probe.breakStep("innerPay");
        String outer = run("direct:outer", "x");
        FlowSnapshot inner = repository.find(FlowSnapshotQuery.builder().flowId("innerFlow").build()).items().stream()
                .map(s -> stored(s.executionId())).findFirst().orElseThrow();
        assertThat(inner.status()).isEqualTo(FlowStatus.FAILED);

        assertRefused(restart("direct:restart", inner.executionId(), null), RestartException.class,
                "is an inner run of run " + outer + ": restart that run");
        assertThat(stored(inner.executionId())).isEqualTo(inner);
    }

    @Test
    void ofTwoConcurrentRestartsExactlyOneGoesOn() throws Exception {
        String id = failedOrder();
        probe.fix("pay");
        repository.holdLoads(id, 2);

        CompletableFuture<Exchange> first = template.asyncSend("direct:restart",
                e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id));
        CompletableFuture<Exchange> second = template.asyncSend("direct:restart",
                e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id));
        List<Exchange> replies = List.of(first.get(20, TimeUnit.SECONDS), second.get(20, TimeUnit.SECONDS));

        assertThat(repository.heldLoads()).isEqualTo(2); // both read the run FAILED before either claimed it
        assertThat(replies).filteredOn(e -> e.getException() == null).singleElement()
                .satisfies(e -> assertThat(e.getMessage().getBody()).isEqualTo("reserved o-f, priced, paid, shipped,"
                                                                             + " notified"));
        assertThat(replies).filteredOn(e -> e.getException() != null).singleElement()
                .satisfies(e -> assertThat(e.getException()).isInstanceOf(RestartException.class)
                        .hasMessageContaining("was restarted or changed by someone else at the same time"));
        assertThat(probe.attempts("pay")).containsExactly(1, 2);
        assertThat(probe.attempts("ship")).containsExactly(2);
        assertThat(stored(id).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(stored(id).attempt()).isEqualTo(2);
    }

    @Test
    void theHistoryIsToldOfTheRestartWithItsStepAttemptAndActor() {
        String id = failedOrder();
        probe.fix("pay");
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        context.getComponent("flowstate", FlowStateComponent.class).getExecutions().addObserver(new RunObserver() {
            @Override
            public void restarted(FlowExecution run, String fromStep, int attempt, String actor) {
                told.add(run.getExecutionId() + " " + fromStep + " " + attempt + " " + actor + " " + run.getStatus());
            }
        });

        Exchange restarted = template.request("direct:restartFrom", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.ACTOR, "ops@example.com");
            e.getMessage().setHeader("step", "price");
        });

        assertThat(restarted.getException()).isNull();
        assertThat(told).containsExactly(id + " price 2 ops@example.com RUNNING");
    }

    @Test
    void aRestartedRunOfAContextTakesTheContextAgainAndHandsItsStateOverWhenItCompletes() {
        probe.breakStep("check");
        String failed = inContext("direct:visit", "c-1").getMessage()
                .getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        assertThat(stored(failed).status()).isEqualTo(FlowStatus.FAILED);
        probe.fix("check");

        assertThat(restart("direct:restart", failed, null).getException()).isNull();
        assertThat(stored(failed).status()).isEqualTo(FlowStatus.COMPLETED);

        // the next run of the context begins with the state the restarted run ended with
        String next = inContext("direct:visit", "c-1").getMessage()
                .getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        assertThat(stored(next).state().get("visits").intValue()).isEqualTo(2);
    }

    @Test
    void aRunOfAContextIsRefusedWhileAnotherRunHoldsTheContext() throws Exception {
        probe.breakStep("check");
        String failed = inContext("direct:visit", "c-2").getMessage()
                .getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        probe.fix("check");
        FlowSnapshot before = stored(failed);
        CompletableFuture<Exchange> holder = template.asyncSend("direct:held", e -> {
            e.getMessage().setHeader(FlowStateConstants.CONTEXT_ID, "c-2");
            e.getMessage().setBody("x");
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> heldRun().isPresent());

        assertRefused(restart("direct:restart", failed, null), FlowContextBusyException.class, "Context 'c-2' is in use");
        assertThat(stored(failed)).isEqualTo(before);

        release.countDown();
        assertThat(holder.get(20, TimeUnit.SECONDS).getException()).isNull();
        // once the context is free again the restart goes on
        assertThat(restart("direct:restart", failed, null).getException()).isNull();
        assertThat(stored(failed).status()).isEqualTo(FlowStatus.COMPLETED);
    }

    // ------------------------------------------------------------------ helpers

    private Exchange inContext(String endpoint, String contextId) {
        return template.request(endpoint, e -> e.getMessage().setHeader(FlowStateConstants.CONTEXT_ID, contextId));
    }

    /** An order whose step "pay" failed: FAILED after reserve and price. */
    private String failedOrder() {
        probe.breakStep("pay");
        String id = run("direct:order", "o-f");
        assertThat(stored(id).status()).isEqualTo(FlowStatus.FAILED);
        return id;
    }

    private String run(String endpoint, Object body) {
        return template.request(endpoint, e -> e.getMessage().setBody(body)).getMessage()
                .getHeader(FlowStateConstants.EXECUTION_ID, String.class);
    }

    private Exchange restart(String endpoint, String executionId, String fromStep) {
        return template.request(endpoint, e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, executionId);
            if (fromStep != null) {
                e.getMessage().setHeader("step", fromStep);
            }
        });
    }

    private static void assertRefused(Exchange reply, Class<? extends Exception> type, String message) {
        assertThat(reply.getException()).isNotNull().hasMessageContaining(message);
        if (type != null) {
            assertThat(reply.getException()).isInstanceOf(type);
        }
    }

    private Optional<FlowSnapshot> heldRun() {
        return repository.find(FlowSnapshotQuery.builder().flowId("held").build()).items().stream()
                .map(s -> stored(s.executionId()))
                .filter(s -> s.status() == FlowStatus.RUNNING && s.completedSteps().contains("first"))
                .findFirst();
    }

    private FlowSnapshot stored(String executionId) {
        return repository.load(executionId).orElseThrow();
    }

    /**
     * A real memory repository whose next loads of one run, once {@link #holdLoads} is called, wait for each other: the
     * callers all read the run before any of them can write it (two restarts racing for one run).
     */
    static final class LoadBarrierRepository extends MemoryFlowSnapshotRepository {

        private volatile String heldRun;
        private volatile CyclicBarrier barrier;
        private final AtomicInteger toHold = new AtomicInteger();
        private final AtomicInteger held = new AtomicInteger();

        void holdLoads(String executionId, int loads) {
            barrier = new CyclicBarrier(loads);
            toHold.set(loads);
            heldRun = executionId;
        }

        int heldLoads() {
            return held.get();
        }

        @Override
        public Optional<FlowSnapshot> load(String executionId) {
            Optional<FlowSnapshot> loaded = super.load(executionId);
            if (executionId.equals(heldRun) && toHold.getAndDecrement() > 0) {
                held.incrementAndGet();
                try {
                    barrier.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    throw new IllegalStateException("the other load never came", e);
                }
            }
            return loaded;
        }
    }
}
