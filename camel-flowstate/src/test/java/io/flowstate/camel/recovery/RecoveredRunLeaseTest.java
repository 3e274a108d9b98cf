package io.flowstate.camel.recovery;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A run recovered by a node keeps its lease while a long step runs, so a second node on the same database does not
 * take it over and run the step a second time at once. Two CamelContexts share one H2 database (lease PT2S, recovery
 * every PT0.5S); node A recovers an orphaned run whose step blocks for longer than the lease; node B must leave it.
 * <p>
 * Guards that leases are renewed on their own thread: recovered runs are continued on the maintenance thread, and a
 * step blocking there must not stop node A's leases from being renewed.
 */
class RecoveredRunLeaseTest {

    @TempDir
    Path dir;

    private final AtomicInteger slowStarted = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);

    @Test
    void aRecoveredRunInALongStepIsNotTakenOverByAnotherNode() throws Exception {
        try (HikariDataSource ds = CrashFlow.dataSource("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0")) {
            JdbcFlowSnapshotRepository setup = new JdbcFlowSnapshotRepository(ds);
            setup.start();
            FlowSnapshot orphan = FlowSnapshot.builder()
                    .executionId("01a20736-0000-7000-8000-0000000000bb").flowId("slow").routeId("slow")
                    .status(FlowStatus.RUNNING).createdAt(Instant.now().minusSeconds(120))
                    .input(JsonNodeFactory.instance.objectNode().put("body", "x")
                            .set("headers", JsonNodeFactory.instance.objectNode()))
                    .completedSteps(List.of()).leaseOwner("dead-node").leaseExpiresAt(Instant.now().minusSeconds(60))
                    .build();
            setup.save(orphan, 0);
            setup.stop();

            CamelContext a = node(ds, "nodeA");
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> slowStarted.get() == 1);
                CamelContext b = node(ds, "nodeB");
                try {
                    // three lease durations with A inside the step: B must not start it again
                    await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8))
                            .until(() -> slowStarted.get() == 1);
                } finally {
                    release.countDown();
                    b.stop();
                }
            } finally {
                release.countDown();
                a.stop();
            }
        }
    }

    private CamelContext node(HikariDataSource ds, String name) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName(name);
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        component.setDataSource(ds);
        component.setLeaseDuration(Duration.ofSeconds(2));
        component.setRecoveryInterval(Duration.ofMillis(500));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:slow").routeId("slow")
                        .to("flowstate:start")
                        .step("longStep")
                            .process(e -> {
                                slowStarted.incrementAndGet();
                                release.await(30, TimeUnit.SECONDS);
                            })
                        .end();
            }
        });
        context.start();
        return context;
    }
}
