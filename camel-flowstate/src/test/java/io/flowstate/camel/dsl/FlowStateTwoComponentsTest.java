package io.flowstate.camel.dsl;

import java.util.Map;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import io.flowstate.camel.state.RepositoryStateStore;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flow groups split over two repositories, configured as docs/scaling.md shows, under Camel Main: the component
 * {@code flowstate} and a second component bean {@code flowstate2}, set by {@code camel.component.*} properties, either
 * each on its own DataSource ({@code flowstate-two-components.properties}) or each on its own repository bean with its
 * own table prefix in one database ({@code flowstate-two-prefixes.properties}). A run lives in the repository of the
 * component that started it and is resumed through that component only; {@code global} values are per repository.
 */
class FlowStateTwoComponentsTest {

    private Main main;

    @AfterEach
    void stopMain() {
        if (main != null) {
            main.stop();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "flowstate-two-components", "flowstate-two-prefixes" })
    void eachComponentKeepsItsRunsAndValuesInItsOwnRepository(String configuration) throws Exception {
        main = new Main();
        main.setDefaultPropertyPlaceholderLocation("classpath:main/" + configuration + ".properties");
        main.start();
        CamelContext context = main.getCamelContext();
        FlowSnapshotRepository orders = context.getComponent("flowstate", FlowStateComponent.class).getRepository();
        FlowStateComponent second = context.getComponent("flowstate2", FlowStateComponent.class);
        FlowSnapshotRepository billing = second.getRepository();
        assertThat(orders).isInstanceOf(JdbcFlowSnapshotRepository.class);
        assertThat(billing).isInstanceOf(JdbcFlowSnapshotRepository.class).isNotSameAs(orders);
        assertThat(second.getRecoveryThreads()).isEqualTo(2);
        if (configuration.endsWith("prefixes")) {
            assertThat(orders).isSameAs(context.getRegistry().lookupByName("ordersRepo"));
            assertThat(billing).isSameAs(context.getRegistry().lookupByName("billingRepo"));
        }

        try (ProducerTemplate template = context.createProducerTemplate()) {
            Map<?, ?> order = template.requestBody("direct:orders", "order-1", Map.class);
            Map<?, ?> bill = template.requestBody("direct:billing", "bill-1", Map.class);
            String orderId = (String) order.get("executionId");
            String billId = (String) bill.get("executionId");

            assertThat(orders.load(orderId)).map(FlowSnapshot::status).contains(FlowStatus.SUSPENDED);
            assertThat(billing.load(orderId)).isEmpty();
            assertThat(billing.load(billId)).map(FlowSnapshot::status).contains(FlowStatus.SUSPENDED);
            assertThat(orders.load(billId)).isEmpty();
            // one increment each: the same global key holds 1 in each database, not 2 in one
            assertThat(orders.getValue(RepositoryStateStore.GLOBAL_NAMESPACE, "counters/runs").orElseThrow()
                    .value().intValue()).isEqualTo(1);
            assertThat(billing.getValue(RepositoryStateStore.GLOBAL_NAMESPACE, "counters/runs").orElseThrow()
                    .value().intValue()).isEqualTo(1);

            Exchange wrongComponent = resume(template, "direct:resumeOrders", bill);
            assertThat(wrongComponent.getException()).as("flowstate: does not know flowstate2's run")
                    .isNotNull().hasMessageContaining(billId);
            assertThat(billing.load(billId)).map(FlowSnapshot::status).contains(FlowStatus.SUSPENDED);

            Exchange resumed = resume(template, "direct:resumeBilling", bill);
            assertThat(resumed.getException()).isNull();
            assertThat(resumed.getMessage().getBody()).isEqualTo("billed, approved by ann");
            assertThat(billing.load(billId)).map(FlowSnapshot::status).contains(FlowStatus.COMPLETED);
            assertThat(orders.load(orderId)).map(FlowSnapshot::status).contains(FlowStatus.SUSPENDED);
        }
    }

    private static Exchange resume(ProducerTemplate template, String uri, Map<?, ?> suspended) {
        return template.request(uri, e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, suspended.get("executionId"));
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, suspended.get("resumeToken"));
            e.getMessage().setBody("ann");
        });
    }
}
