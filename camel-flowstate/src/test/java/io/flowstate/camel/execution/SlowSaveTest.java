package io.flowstate.camel.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A run's repository write happens outside its lock. A save that hangs in the repository for longer than the lease
 * delays neither the run's readers nor the lease renewal of the node's other runs; two saves of one run write one after
 * the other, each on the version the other left, so neither is refused as a conflict.
 */
class SlowSaveTest extends CamelTestSupport {

    private static final Duration LEASE = Duration.ofSeconds(2);

    private final BlockingRepository repository = new BlockingRepository();
    private final CountDownLatch releaseWork = new CountDownLatch(1);
    private final AtomicReference<FlowExecution> slowRun = new AtomicReference<>();
    private final AtomicReference<FlowExecution> otherRun = new AtomicReference<>();

    /** A real repository whose writes of one run hang until released. */
    static final class BlockingRepository extends MemoryFlowSnapshotRepository {
        private volatile String blockedRun;
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        void block(String executionId) {
            blockedRun = executionId;
        }

        @Override
        public long saveDelta(String executionId, FlowSnapshotDelta delta, long expectedVersion) {
            if (executionId.equals(blockedRun)) {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.saveDelta(executionId, delta, expectedVersion);
        }
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        component.setRepository(repository);
        component.setLeaseDuration(LEASE);
        // no recovery pass after the one at start: a lease this node lets expire is not taken over by itself
        component.setRecoveryInterval(Duration.ofHours(1));
        return context;
    }

    @AfterEach
    void releaseAll() {
        repository.release.countDown();
        releaseWork.countDown();
    }

    @Test
    void aSaveHangingInTheRepositoryDelaysNeitherTheRunsReadersNorAnotherRunsLeaseRenewal() throws Exception {
        Future<Exchange> other = template.asyncSend("direct:other", e -> e.getMessage().setBody("b"));
        await().until(() -> otherRun.get() != null); // saved after step "prepare", now inside step "work"
        String otherId = otherRun.get().getExecutionId();

        Future<Exchange> slow = template.asyncSend("direct:slowSave", e -> e.getMessage().setBody("a"));
        assertThat(repository.entered.await(10, TimeUnit.SECONDS)).as("the save of step 'second' hangs").isTrue();
        Instant hangingSince = Instant.now();

        // the run's state can be read while its write hangs
        assertThat(CompletableFuture.supplyAsync(() -> slowRun.get().getStatus()))
                .succeedsWithin(Duration.ofSeconds(10)).isEqualTo(FlowStatus.RUNNING);
        // renewed after the save has hung for longer than the lease: the renewals never waited for it
        await().atMost(Duration.ofSeconds(20)).until(() -> repository.load(otherId).orElseThrow().leaseExpiresAt()
                .isAfter(hangingSince.plus(LEASE.multipliedBy(2))));
        assertThat(slow).isNotDone();

        repository.release.countDown();
        releaseWork.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS).getException()).isNull();
        assertThat(other.get(10, TimeUnit.SECONDS).getException()).isNull();
        FlowSnapshot saved = repository.load(slowRun.get().getExecutionId()).orElseThrow();
        assertThat(saved.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(saved.completedSteps()).containsExactly("first", "second");
        assertThat(repository.load(otherId).orElseThrow().status()).isEqualTo(FlowStatus.COMPLETED);
    }

    @Test
    void twoSavesOfOneRunWriteOneAfterTheOtherAndTheLeaseRenewalSkipsTheRun() throws Exception {
        FlowExecutions executions = context.getComponent("flowstate", FlowStateComponent.class).getExecutions();
        FlowExecution run = executions.start(new DefaultExchange(context), FlowExecutions.StartOptions.DEFAULTS);
        run.state().append("items", "a");
        assertThat(executions.snapshot(run)).isEqualTo(1);
        repository.block(run.getExecutionId());

        run.state().append("items", "b");
        CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> executions.snapshot(run));
        assertThat(repository.entered.await(10, TimeUnit.SECONDS)).isTrue();
        run.state().append("items", "c");
        AtomicReference<Thread> secondThread = new AtomicReference<>();
        CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> {
            secondThread.set(Thread.currentThread());
            return executions.snapshot(run);
        });
        await().until(() -> secondThread.get() != null && secondThread.get().getState() == Thread.State.WAITING);
        // the renewer does not wait for the hanging save: the save renews the lease, or a later pass does
        assertThat(CompletableFuture.supplyAsync(() -> executions.renewLeases(Duration.ofDays(1))))
                .succeedsWithin(Duration.ofSeconds(10)).isEqualTo(0);

        repository.release.countDown();

        assertThat(first).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(2L);
        // 3, or more when a lease renewal took its turn in between
        assertThat(second).succeedsWithin(Duration.ofSeconds(10)).asInstanceOf(InstanceOfAssertFactories.LONG)
                .isGreaterThan(2L);
        FlowSnapshot stored = repository.load(run.getExecutionId()).orElseThrow();
        assertThat(stored.version()).isEqualTo(run.getVersion());
        assertThat(stored.state().get("items")).hasToString("[\"a\",\"b\",\"c\"]");
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:other").routeId("other")
                        .to("flowstate:start")
                        .step("prepare").setBody(constant("prepared")).end()
                        .step("work")
                            .process(e -> {
                                otherRun.set(FlowExecution.of(e));
                                releaseWork.await(30, TimeUnit.SECONDS);
                            })
                        .end();
                from("direct:slowSave").routeId("slowSave")
                        .to("flowstate:start")
                        .step("first").setBody(constant("one")).end()
                        .process(e -> {
                            slowRun.set(FlowExecution.of(e));
                            repository.block(slowRun.get().getExecutionId());
                        })
                        .step("second").setBody(constant("two")).end();
            }
        };
    }
}
