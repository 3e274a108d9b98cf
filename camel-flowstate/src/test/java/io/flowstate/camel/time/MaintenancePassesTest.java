package io.flowstate.camel.time;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code runMaintenance()} runs a pass on the caller's thread, never at the same time as another pass (the one the
 * component runs at start and on its schedule, or another caller's): two passes at once would both find the same due
 * run. Right after the start, a run that is already due has been continued when the call returns.
 */
class MaintenancePassesTest extends CamelTestSupport {

    private static final String DUE_ID = "01a20736-0000-7000-8000-0000000000cc";

    private final CountingFinds repository = new CountingFinds();

    @Override
    protected void bindToRegistry(Registry registry) {
        // stored before the context starts: due by the time any pass looks
        repository.save(FlowSnapshot.builder().executionId(DUE_ID).flowId("order").routeId("order")
                .status(FlowStatus.SUSPENDED).waitingFor("approval").createdAt(Instant.now().minusSeconds(120))
                .wakeAt(Instant.now().minusSeconds(60))
                .input(JsonNodeFactory.instance.objectNode().put("body", "order-9")
                        .set("headers", JsonNodeFactory.instance.objectNode()))
                .build(), 0);
        registry.bind("repository", repository);
    }

    @Test
    void aRunDueAtTheStartHasBeenContinuedWhenThePassAskedForRightAfterItReturns() {
        flowstate().runMaintenance();

        FlowSnapshot done = repository.load(DUE_ID).orElseThrow();
        assertThat(done.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(done.state().get("decision").asText()).isEqualTo("order-9 timed out");
    }

    @Test
    void aPassAskedForWhileAnotherIsUnderWayWaitsForItToEnd() throws Exception {
        Thread first = new Thread(() -> flowstate().runMaintenance(), "first-pass");
        repository.holdPassesOf(first);
        first.start();
        assertThat(repository.held.await(30, TimeUnit.SECONDS)).as("the first pass is in the repository").isTrue();

        Thread second = new Thread(() -> flowstate().runMaintenance(), "second-pass");
        second.start();
        // without the passes' lock the second pass would be in the repository by now
        await().atMost(Duration.ofSeconds(30))
                .until(() -> second.getState() == Thread.State.WAITING || repository.mostAtOnce.get() > 1);
        repository.release.countDown();
        first.join(30_000);
        second.join(30_000);

        assertThat(repository.mostAtOnce).as("passes in the repository at once").hasValue(1);
        assertThat(second.isAlive()).as("the second pass ran once the first had ended").isFalse();
    }

    private FlowStateComponent flowstate() {
        return context.getComponent("flowstate", FlowStateComponent.class);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:order").routeId("order")
                        .to("flowstate:start")
                        .setVariable("order", body())
                        .to("flowstate:suspend:approval?timeout=PT1H")
                        .setBody(simple("${variable.order} timed out"))
                        .to("flowstate:set:decision");
            }
        };
    }

    /** Counts the passes looking for expired leases at once; holds the passes of one thread there until released. */
    private static final class CountingFinds extends MemoryFlowSnapshotRepository {

        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger mostAtOnce = new AtomicInteger();
        private final AtomicInteger atOnce = new AtomicInteger();
        private volatile Thread holding;

        void holdPassesOf(Thread thread) {
            holding = thread;
        }

        @Override
        public List<FlowSnapshotSummary> findExpiredLeases(Instant now, int limit) {
            mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
            try {
                if (Thread.currentThread() == holding) {
                    held.countDown();
                    release.await(30, TimeUnit.SECONDS);
                }
                return super.findExpiredLeases(now, limit);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                atOnce.decrementAndGet();
            }
        }
    }
}
