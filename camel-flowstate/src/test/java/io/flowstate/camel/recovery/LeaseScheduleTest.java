package io.flowstate.camel.recovery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leases are renewed on their own schedule (a fraction of leaseDuration), not every recoveryInterval: any positive
 * recoveryInterval is valid, and a node whose recovery runs rarely still keeps its running runs. Two CamelContexts
 * share one repository; node A runs a step longer than the lease with recoveryInterval PT1H, node B looks for expired
 * leases every PT0.2S and must leave A's run alone.
 */
class LeaseScheduleTest {

    private static final Duration LEASE = Duration.ofSeconds(2);

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
    private final AtomicInteger workStarted = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<CamelContext> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        release.countDown();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).stop();
        }
        repository.stop();
    }

    @Test
    void aRecoveryIntervalOfHalfTheLeaseOrMoreIsAccepted() throws Exception {
        CamelContext node = node("nodeA", Duration.ofSeconds(1));

        assertThat(node.isStarted()).isTrue();
        FlowStateComponent component = node.getComponent("flowstate", FlowStateComponent.class);
        assertThat(component.getRecoveryInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(component.getLeaseDuration()).isEqualTo(LEASE);
    }

    @Test
    void aRunsLeaseIsRenewedOnTheLeasesScheduleWhateverTheRecoveryInterval() throws Exception {
        repository.start();
        CamelContext a = node("nodeA", Duration.ofHours(1));
        try (ProducerTemplate template = a.createProducerTemplate()) {
            template.asyncSendBody("direct:slow", "x");
            await().atMost(Duration.ofSeconds(10)).until(() -> workStarted.get() == 1);
            FlowSnapshotSummary run = running().get(0);
            node("nodeB", Duration.ofMillis(200));

            // three lease durations inside the step: B must not find the lease expired and run the step again
            await().during(LEASE.multipliedBy(3)).atMost(LEASE.multipliedBy(4)).until(() -> workStarted.get() == 1);

            FlowSnapshot stored = repository.load(run.executionId()).orElseThrow();
            assertThat(stored.status()).isEqualTo(FlowStatus.RUNNING);
            assertThat(stored.leaseOwner()).startsWith("nodeA@");
            assertThat(stored.leaseExpiresAt()).isAfter(Instant.now());
            assertThat(stored.version()).as("renewed by node A").isGreaterThan(run.version());
        }
    }

    private List<FlowSnapshotSummary> running() {
        return repository.find(FlowSnapshotQuery.builder().status(FlowStatus.RUNNING).build()).items();
    }

    private CamelContext node(String name, Duration recoveryInterval) throws Exception {
        CamelContext context = new DefaultCamelContext();
        nodes.add(context);
        context.getCamelContextExtension().setName(name);
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        component.setRepository(repository);
        component.setLeaseDuration(LEASE);
        component.setRecoveryInterval(recoveryInterval);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:slow").routeId("slow")
                        .to("flowstate:start")
                        .step("fetch").setBody(simple("fetched ${body}")).end()
                        .step("work")
                            .process(e -> {
                                workStarted.incrementAndGet();
                                release.await(30, TimeUnit.SECONDS);
                            })
                        .end();
            }
        });
        context.start();
        return context;
    }
}
