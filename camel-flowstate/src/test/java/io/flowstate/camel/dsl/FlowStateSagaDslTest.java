package io.flowstate.camel.dsl;

import java.nio.file.Path;
import java.util.List;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.repository.FlowStateSagaService;
import io.flowstate.camel.repository.OrderSagaRoutes;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Camel's own saga EIP in Java, YAML and XML routes (the same order saga in each), with FlowStateSagaService declared as
 * a registry bean in place of Camel's in-memory service and nothing else changed: the steps are compensated in reverse
 * order and the saga ends COMPENSATED in the flowstate repository.
 */
class FlowStateSagaDslTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void theSagaEipCompensatesInReverseOrderWithTheFlowStateService(Dsl dsl) throws Exception {
        FileFlowSnapshotRepository repository = new FileFlowSnapshotRepository(dir.toString());
        CamelContext context = new DefaultCamelContext();
        FlowStateComponent component = new FlowStateComponent();
        component.setRepository(repository);
        context.addComponent("flowstate", component);
        context.getRegistry().bind("sagas", new FlowStateSagaService()); // the only change from InMemorySagaService
        dsl.load(context, "flowstate-saga", OrderSagaRoutes.java());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:cancelled").to("mock:cancelled");
            }
        });
        context.start();
        try {
            Exchange out = context.createProducerTemplate().send("direct:order", e -> e.getMessage().setBody("o-1"));

            assertThat(out.getException()).hasMessageContaining("payment refused");
            MockEndpoint cancelled = context.getEndpoint("mock:cancelled", MockEndpoint.class);
            assertThat(cancelled.getReceivedExchanges()).extracting(e -> e.getMessage().getBody(String.class))
                    .containsExactly("cancel3", "cancel2", "cancel1");
            List<VersionedValue> sagas = List.copyOf(repository.getValues("flowstate:saga:default").values());
            assertThat(sagas).hasSize(1);
            assertThat(sagas.get(0).value().path("status").asText()).isEqualTo("COMPENSATED");
        } finally {
            context.stop();
        }
    }
}
