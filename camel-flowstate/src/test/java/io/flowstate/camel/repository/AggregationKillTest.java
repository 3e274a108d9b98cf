package io.flowstate.camel.repository;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import io.flowstate.camel.snapshot.jdbc.JdbcTestStores;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An aggregator on two nodes sharing PostgreSQL, one of them a child JVM killed with SIGKILL while it processes a
 * group it completed: no part is lost and every group is completed once, the killed node's completed group by the
 * other node's recovery.
 */
class AggregationKillTest {

    private static final int GROUPS = 10;

    /** The aggregation repository both nodes use: short lease and recovery interval, so the test waits seconds. */
    static FlowStateAggregationRepository repository() {
        FlowStateAggregationRepository repository = new FlowStateAggregationRepository();
        repository.setNamespace("orders");
        repository.setCompletionLease(Duration.ofSeconds(2));
        repository.setRecoveryInterval(500);
        return repository;
    }

    /** direct:parts aggregates three parts per header group, optimistic locking, on to direct:completed. */
    static RoutesBuilder aggregator(FlowStateAggregationRepository repository, RouteBuilder completed) {
        return new RouteBuilder() {
            @Override
            public void configure() throws Exception {
                from("direct:parts").aggregate(header("group"), AbstractAggregationRepositoryTest.JOIN)
                        .aggregationRepository(repository).optimisticLocking().completionSize(3)
                        .to("direct:completed");
                completed.addRoutesToCamelContext(getContext());
            }
        };
    }

    @Test
    void aKilledNodeLosesNoPartAndEveryGroupCompletesOnce() throws Exception {
        try (JdbcTestStores.Store store = JdbcTestStores.postgres()) {
            JdbcFlowSnapshotRepository onB = store.newRepository();
            Map<String, List<String>> completions = new ConcurrentHashMap<>();
            CamelContext nodeB = new DefaultCamelContext();
            FlowStateComponent component = new FlowStateComponent();
            component.setRepository(onB);
            nodeB.addComponent("flowstate", component);
            nodeB.addRoutes(aggregator(repository(), new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:completed").process(e -> completions
                            .computeIfAbsent(e.getMessage().getHeader("group", String.class),
                                    g -> new CopyOnWriteArrayList<>())
                            .add(e.getMessage().getBody(String.class)));
                }
            }));
            nodeB.start();
            try {
                ProducerTemplate template = nodeB.createProducerTemplate();
                for (int g = 0; g < GROUPS; g++) {
                    template.sendBodyAndHeader("direct:parts", "B1", "group", "g" + g);
                }

                runChildUntilItCompletesG0ThenKill(store);

                for (int g = 1; g < GROUPS; g++) {
                    // the killed node's A2 parts, delivered again by the source to the node still running
                    template.sendBodyAndHeader("direct:parts", "A2", "group", "g" + g);
                }
                await().atMost(Duration.ofSeconds(60)).untilAsserted(
                        () -> assertThat(completions).as("g0, recovered from the killed node").containsKey("g0"));
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(onB.getValues("flowstate:aggregation:orders")).isEmpty());
                for (int g = 0; g < GROUPS; g++) {
                    assertThat(completions.get("g" + g)).as("completions of g%d", g).containsExactly("B1+A1+A2");
                }
                assertThat(completions).hasSize(GROUPS);
            } finally {
                nodeB.stop();
                onB.stop();
            }
        }
    }

    private static void runChildUntilItCompletesG0ThenKill(JdbcTestStores.Store store) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                AggregatorNodeMain.class.getName(), store.jdbcUrl(), store.user(), store.tablePrefix(),
                String.valueOf(GROUPS)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        // a child that hangs before g0 is killed after 120 s, which ends its output and the wait below
        Thread guard = new Thread(() -> {
            try {
                if (!child.waitFor(120, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "kill-test-guard");
        guard.setDaemon(true);
        guard.start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.append(line).append('\n');
                if (line.equals("completing g0")) {
                    break;
                }
            }
            assertThat(line).as("the child completed g0; its output:\n%s", output).isEqualTo("completing g0");
        } finally {
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    }
}
