package io.flowstate.camel.repository;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import io.flowstate.camel.snapshot.jdbc.JdbcTestStores;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.SagaPropagation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A saga of three steps compensating on a node (a child JVM) killed with SIGKILL while it compensates step 2: after
 * the kill, another node on the same PostgreSQL tables goes on in its maintenance pass, compensations 2 and 1 run, in
 * that order, and the saga ends COMPENSATED.
 */
class SagaKillTest {

    /** The saga service both nodes use: a short lease, so that the other node takes over within seconds. */
    static FlowStateSagaService sagaService() {
        FlowStateSagaService service = new FlowStateSagaService();
        service.setLease(Duration.ofSeconds(2));
        return service;
    }

    /** direct:order runs steps 1 to 3, each with compensation direct:cancelN handled by {@code compensation}, then fails. */
    static RoutesBuilder orderSaga(IntFunction<Processor> compensation) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:order").saga()
                        .to("direct:step1", "direct:step2", "direct:step3")
                        .throwException(new IllegalStateException("payment refused"));
                for (int i = 1; i <= 3; i++) {
                    from("direct:step" + i).saga().propagation(SagaPropagation.MANDATORY)
                            .compensation("direct:cancel" + i).option("step", constant(i)).log("step " + i);
                    from("direct:cancel" + i).process(compensation.apply(i));
                }
            }
        };
    }

    @Test
    void compensationsGoOnOnAnotherNodeAfterAKillWhileCompensatingStep2() throws Exception {
        try (JdbcTestStores.Store store = JdbcTestStores.postgres()) {
            JdbcFlowSnapshotRepository onB = store.newRepository();
            List<String> calls = new CopyOnWriteArrayList<>();
            CamelContext nodeB = new DefaultCamelContext();
            FlowStateComponent component = new FlowStateComponent();
            component.setRepository(onB);
            nodeB.addComponent("flowstate", component);
            nodeB.addService(sagaService());
            nodeB.addRoutes(orderSaga(step -> e -> calls.add(
                    "cancel" + step + " " + e.getMessage().getHeader(FlowStateSagaService.STEP_KEY))));
            nodeB.start();
            try {
                List<String> childOutput = runChildUntilItCompensatesStep2ThenKill(store);
                assertThat(childOutput).contains("compensated 3");

                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    component.getMaintenance().runOnce();
                    assertThat(calls).hasSize(2);
                });
                assertThat(calls).extracting(c -> c.split(" ")[0]).containsExactly("cancel2", "cancel1");
                assertThat(calls.get(0)).endsWith(":1");
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

    private static List<String> runChildUntilItCompensatesStep2ThenKill(JdbcTestStores.Store store) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                SagaNodeMain.class.getName(), store.jdbcUrl(), store.user(), store.tablePrefix()))
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
