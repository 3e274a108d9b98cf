package io.flowstate.camel.repository;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import io.flowstate.camel.snapshot.jdbc.JdbcTestStores;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.flowstate.camel.repository.FlowStateSagaService.STEP_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A saga of three steps compensating on a node (a child JVM) killed with SIGKILL while it compensates step 2: after
 * the kill, another node on the same PostgreSQL tables goes on in its maintenance pass, compensations 2 and 1 run, in
 * that order, and the saga ends COMPENSATED; with the routes in Java, YAML and XML (Camel's saga EIP, only the service
 * bean is flowstate's).
 */
class SagaKillTest {

    /** The saga service both nodes use: a short lease, so that the other node takes over within seconds. */
    static FlowStateSagaService sagaService() {
        FlowStateSagaService service = new FlowStateSagaService();
        service.setLease(Duration.ofSeconds(2));
        return service;
    }

    @ParameterizedTest
    @ValueSource(strings = { "java", "yaml", "xml" })
    void compensationsGoOnOnAnotherNodeAfterAKillWhileCompensatingStep2(String dsl) throws Exception {
        try (JdbcTestStores.Store store = JdbcTestStores.postgres()) {
            JdbcFlowSnapshotRepository onB = store.newRepository();
            List<String> calls = new CopyOnWriteArrayList<>();
            CamelContext nodeB = new DefaultCamelContext();
            FlowStateComponent component = new FlowStateComponent();
            component.setRepository(onB);
            nodeB.addComponent("flowstate", component);
            nodeB.addService(sagaService());
            OrderSagaRoutes.load(nodeB, dsl);
            nodeB.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:cancelled").process(e -> calls.add(e.getMessage().getBody(String.class)
                                                                    + " " + e.getMessage().getHeader(STEP_KEY)));
                }
            });
            nodeB.start();
            try {
                List<String> childOutput = runChildUntilItCompensatesStep2ThenKill(store, dsl);
                assertThat(childOutput).contains("compensated cancel3");

                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    component.getMaintenance().runOnce();
                    assertThat(calls).hasSize(2);
                });
                assertThat(calls).extracting(c -> c.split(" ")[0]).containsExactly("cancel2", "cancel1");
                assertThat(calls.get(0)).endsWith(":1"); // the step's key, as the killed node sent it
                assertThat(calls.get(1)).endsWith(":0");
                List<VersionedValue> sagas = List.copyOf(onB.getValues(AbstractSagaServiceTest.SAGAS).values());
                assertThat(sagas).hasSize(1);
                assertThat(sagas.get(0).value().path("status").asText()).isEqualTo("COMPENSATED");
                component.getMaintenance().runOnce();
                assertThat(calls).as("nothing called again").hasSize(2);
            } finally {
                nodeB.stop();
                onB.stop();
            }
        }
    }

    private static List<String> runChildUntilItCompensatesStep2ThenKill(JdbcTestStores.Store store, String dsl)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                SagaNodeMain.class.getName(), store.jdbcUrl(), store.user(), store.tablePrefix(), dsl))
                .redirectErrorStream(true).start();
        // a child that hangs elsewhere is killed after 120 s, which ends its output and the wait below
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
        List<String> output = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !line.equals("compensating 2")) {
                output.add(line);
            }
            assertThat(line).as("the child reached compensation 2; its output:\n%s", String.join("\n", output))
                    .isEqualTo("compensating 2");
        } finally {
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        return output;
    }
}
