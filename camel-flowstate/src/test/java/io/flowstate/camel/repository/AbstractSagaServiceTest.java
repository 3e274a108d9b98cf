package io.flowstate.camel.repository;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.snapshot.VersionedValue;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.SagaCompletionMode;
import org.apache.camel.model.SagaPropagation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of {@link FlowStateSagaService} on one kind of store (the subclass's), through Camel's saga EIP in
 * Java routes: three steps compensated in reverse order when the order fails, completed in order when it succeeds,
 * a saga timeout fired by the maintenance pass, and an option value that cannot be stored.
 */
abstract class AbstractSagaServiceTest extends AbstractRepositoryBeanTest {

    static final String SAGAS = "flowstate:saga:default";

    protected final List<String> calls = new CopyOnWriteArrayList<>();
    protected FlowStateSagaService sagas;

    @Override
    protected RoutesBuilder routes() {
        return new RouteBuilder() {
            @Override
            public void configure() throws Exception {
                sagas = new FlowStateSagaService();
                sagas.setClock(clock);
                getContext().addService(sagas);
                from("direct:order").saga()
                        .to("direct:step1", "direct:step2", "direct:step3")
                        .filter(header("fail")).throwException(new IllegalStateException("payment refused"));
                from("direct:held").saga().completionMode(SagaCompletionMode.MANUAL).timeout(1, TimeUnit.MINUTES)
                        .to("direct:step1");
                from("direct:badOption").saga()
                        .to("direct:step1")
                        .to("direct:unstorable");
                from("direct:unstorable").saga().propagation(SagaPropagation.MANDATORY)
                        .compensation("direct:cancel9").option("payload", header("payload"))
                        .log("never stored");
                for (int i = 1; i <= 3; i++) {
                    from("direct:step" + i).saga().propagation(SagaPropagation.MANDATORY)
                            .compensation("direct:cancel" + i).completion("direct:done" + i)
                            .option("order", header("orderId"))
                            .log("step " + i);
                    from("direct:cancel" + i).process(record("cancel" + i));
                    from("direct:done" + i).process(record("done" + i));
                }
            }
        };
    }

    private org.apache.camel.Processor record(String what) {
        return e -> calls.add(what + " " + e.getMessage().getHeader("order") + " "
                              + e.getMessage().getHeader(FlowStateSagaService.STEP_KEY));
    }

    @BeforeEach
    void clearCalls() {
        calls.clear();
    }

    @Test
    void aFailedOrderIsCompensatedOnceEachInReverseOrderOfItsSteps() {
        Exchange out = template.send("direct:order", e -> {
            e.getMessage().setHeader("orderId", "o-1");
            e.getMessage().setHeader("fail", true);
        });

        assertThat(out.getException()).hasMessageContaining("payment refused");
        assertThat(calls).extracting(c -> c.split(" ")[0] + " " + c.split(" ")[1])
                .containsExactly("cancel3 o-1", "cancel2 o-1", "cancel1 o-1");
        assertThat(calls).extracting(c -> c.split(" ")[2]).doesNotHaveDuplicates()
                .allSatisfy(key -> assertThat(key).startsWith("saga-"));
        assertThat(onlySaga().path("status").asText()).isEqualTo("COMPENSATED");
    }

    @Test
    void aSuccessfulOrderCallsTheCompletionsInOrder() {
        template.sendBodyAndHeader("direct:order", "", "orderId", "o-2");

        assertThat(calls).extracting(c -> c.split(" ")[0]).containsExactly("done1", "done2", "done3");
        assertThat(onlySaga().path("status").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void aSagaPastItsTimeoutIsCompensatedByTheMaintenancePass() {
        template.sendBodyAndHeader("direct:held", "", "orderId", "o-3");
        sagas.runMaintenance();
        assertThat(calls).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        sagas.runMaintenance();

        assertThat(calls).extracting(c -> c.split(" ")[0]).containsExactly("cancel1");
        assertThat(onlySaga().path("status").asText()).isEqualTo("COMPENSATED");
    }

    @Test
    void anOptionValueThatCannotBeStoredFailsTheStepNamingItAndIsNotStored() {
        Exchange out = template.send("direct:badOption", e -> {
            e.getMessage().setHeader("orderId", "o-4");
            e.getMessage().setHeader("payload", new StringBuilder("a live object"));
        });

        assertThat(out.getException()).hasMessageContaining("the value of option 'payload' is a java.lang.StringBuilder")
                .hasMessageContaining("Nothing was stored");
        JsonNode saga = onlySaga();
        assertThat(saga.get("steps").toString()).doesNotContain("payload").doesNotContain("cancel9");
        assertThat(calls).extracting(c -> c.split(" ")[0]).containsExactly("cancel1");
    }

    private JsonNode onlySaga() {
        List<VersionedValue> stored = List.copyOf(store.getValues(SAGAS).values());
        assertThat(stored).hasSize(1);
        return stored.get(0).value();
    }
}
