package io.flowstate.camel.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.RepositoryUnavailableException;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node whose lease on a run lapsed between two steps (here: it could not renew it while the repository was
 * unreachable; a paused process is the other case) starts no further step of it: another node may have taken the run
 * over. The run stays RUNNING as stored, not FAILED, and recovery on another node completes it, each step once.
 */
class LeaseLapseTest {

    private static final Duration LEASE = Duration.ofMillis(600);

    private final UnreachableRepository repository = new UnreachableRepository();
    private final Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
    private CamelContext first;
    private CamelContext second;

    @AfterEach
    void stop() {
        if (first != null) {
            first.stop();
        }
        if (second != null) {
            second.stop();
        }
    }

    @Test
    void noStepStartsAfterTheLeaseLapsedAndAnotherNodeCompletesTheRun() throws Exception {
        first = node(Duration.ofHours(1), true);
        Exchange done = first.createProducerTemplate().request("direct:run", e -> e.getMessage().setBody("in"));

        assertThat(done.getException()).isInstanceOf(LeaseLapsedException.class)
                .hasMessageContaining("this node's lease on it ended at")
                .hasMessageContaining("This node starts no further step of it");
        String id = done.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        FlowSnapshot stored = repository.load(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(FlowStatus.RUNNING);
        assertThat(stored.completedSteps()).containsExactly("s1");
        assertThat(effects).containsOnlyKeys("s1");

        second = node(Duration.ofMillis(100), false);
        await().atMost(Duration.ofSeconds(30)).until(() -> repository.load(id).orElseThrow().status(),
                s -> s == FlowStatus.COMPLETED);
        assertThat(repository.load(id).orElseThrow().state().get("sum").intValue()).isEqualTo(3);
        assertThat(effects).containsOnlyKeys("s1", "s2");
        assertThat(effects.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }

    /** A node on the shared repository; {@code cutOff}: between s1 and s2 the repository is unreachable past the lease. */
    private CamelContext node(Duration recoveryInterval, boolean cutOff) throws Exception {
        CamelContext context = new DefaultCamelContext();
        FlowStateComponent flowstate = context.getComponent("flowstate", FlowStateComponent.class);
        flowstate.setRepository(repository);
        flowstate.setLeaseDuration(LEASE);
        flowstate.setRecoveryInterval(recoveryInterval);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:run").routeId("lapse")
                        .to("flowstate:start:lapse")
                        .step("s1").process(e -> effect("s1")).to("flowstate:increment:sum?by=1").end()
                        .process(e -> {
                            if (cutOff) {
                                cutOffUntilTheLeaseLapsed(e);
                            }
                        })
                        .step("s2").process(e -> effect("s2")).to("flowstate:increment:sum?by=2").end();
            }
        });
        context.start();
        return context;
    }

    private void effect(String step) {
        effects.computeIfAbsent(step, k -> new AtomicInteger()).incrementAndGet();
    }

    private void cutOffUntilTheLeaseLapsed(Exchange e) {
        String id = e.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        repository.reachable = false;
        await().atMost(Duration.ofSeconds(30))
                .until(() -> FlowSnapshotSummary.of(repository.load(id).orElseThrow()).leaseExpired(Instant.now()));
        repository.reachable = true;
    }

    /** Refuses every write while {@link #reachable} is false, as a database that cannot be reached. */
    private static final class UnreachableRepository extends MemoryFlowSnapshotRepository {

        volatile boolean reachable = true;

        @Override
        public long save(FlowSnapshot snapshot, long expectedVersion) {
            requireReachable();
            return super.save(snapshot, expectedVersion);
        }

        @Override
        public long saveDelta(String executionId, FlowSnapshotDelta delta, long expectedVersion) {
            requireReachable();
            return super.saveDelta(executionId, delta, expectedVersion);
        }

        private void requireReachable() {
            if (!reachable) {
                throw new RepositoryUnavailableException("The test's repository is unreachable", null);
            }
        }
    }
}
