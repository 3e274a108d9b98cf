package io.flowstate.camel.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The leases of a node's running runs are renewed while their steps run. One run taken over by another node (its
 * lease had expired, e.g. while this process was paused) must not stop the renewal of the others.
 */
class LeaseRenewalTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void aRunTakenOverByAnotherNodeIsDroppedAndTheOthersAreStillRenewed() throws Exception {
        Future<Exchange> first = template.asyncSend("direct:long", e -> e.getMessage().setBody("a"));
        Future<Exchange> second = template.asyncSend("direct:long", e -> e.getMessage().setBody("b"));
        await().until(() -> running().size() == 2); // both saved after step "fetch", now waiting in step "work"
        List<FlowSnapshotSummary> runs = running();
        FlowSnapshotSummary lost = runs.get(0);
        FlowSnapshotSummary kept = runs.get(1);
        repository.saveDelta(lost.executionId(), FlowSnapshotDelta.builder().updatedAt(Instant.now())
                .lease("other-node", Instant.now().plusSeconds(3600)).build(), lost.version());
        FlowExecutions executions = context.getComponent("flowstate", FlowStateComponent.class).getExecutions();

        // a margin longer than any lease: every run of this node is due for renewal
        int renewed = executions.renewLeases(Duration.ofDays(1));

        assertThat(renewed).isEqualTo(1);
        FlowSnapshot keptNow = repository.load(kept.executionId()).orElseThrow();
        assertThat(keptNow.version()).isEqualTo(kept.version() + 1);
        assertThat(keptNow.leaseExpiresAt()).isAfter(kept.leaseExpiresAt());
        assertThat(repository.load(lost.executionId()).orElseThrow().leaseOwner()).isEqualTo("other-node");
        // the lost run is no longer this node's: the next pass renews only the kept one
        assertThat(executions.renewLeases(Duration.ofDays(1))).isEqualTo(1);

        release.countDown();
        List<Exchange> done = List.of(first.get(10, TimeUnit.SECONDS), second.get(10, TimeUnit.SECONDS));
        assertThat(done).filteredOn(e -> e.getException() == null).hasSize(1);
        assertThat(repository.load(kept.executionId()).orElseThrow().status()).isEqualTo(FlowStatus.COMPLETED);
    }

    private List<FlowSnapshotSummary> running() {
        return repository.find(FlowSnapshotQuery.builder().status(FlowStatus.RUNNING).build()).items();
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:long").routeId("long")
                        .to("flowstate:start")
                        .step("fetch").setBody(simple("fetched ${body}")).end()
                        .step("work").process(e -> release.await(10, TimeUnit.SECONDS)).end();
            }
        };
    }
}
