package io.flowstate.camel.durable;

import java.util.List;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code flowstate:restart} from routes in Java, YAML and XML ({@link RestartJavaRoutes},
 * {@code durable/restart-flows.yaml}, {@code durable/restart-flows.xml}): a run that failed goes on once the cause is
 * fixed, from the step that failed or from an earlier step (also one iteration of a split), as its next attempt. Bean
 * {@code probe} proves which step bodies ran again and which attempt they saw.
 */
class RestartFlowDslTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
    private final RestartProbe probe = new RestartProbe();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
        registry.bind("probe", probe);
    }

    private void load(DurableDsl dsl) throws Exception {
        dsl.load(context, "restart-flows", new RestartJavaRoutes());
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void aRunThatFailedAtItsThirdStepCompletesFromThatStepOnceTheCauseIsFixed(DurableDsl dsl) throws Exception {
        load(dsl);
        probe.breakStep("pay");
        Exchange failed = template.request("direct:order", e -> e.getMessage().setBody("o-1"));
        assertThat(failed.getException()).hasMessageContaining("step pay is broken");
        String id = failed.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        FlowSnapshot before = stored(id);
        assertThat(before.status()).isEqualTo(FlowStatus.FAILED);
        assertThat(before.completedSteps()).containsExactly("reserve", "price");
        assertThat(before.attempt()).isEqualTo(1);

        probe.fix("pay");
        Exchange restarted = restart("direct:restart", id);

        assertThat(restarted.getException()).isNull();
        assertThat(restarted.getMessage().getBody()).isEqualTo("reserved o-1, priced, paid, shipped, notified");
        assertThat(restarted.getMessage().getHeader(FlowStateConstants.ATTEMPT)).isEqualTo(2);
        // steps 1-2 did not run again; steps 3-5 ran as attempt 2
        assertThat(probe.attempts("reserve")).containsExactly(1);
        assertThat(probe.attempts("price")).containsExactly(1);
        assertThat(probe.attempts("pay")).containsExactly(1, 2);
        assertThat(probe.attempts("ship")).containsExactly(2);
        assertThat(probe.attempts("notify")).containsExactly(2);
        FlowSnapshot after = stored(id);
        assertThat(after.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(after.attempt()).isEqualTo(2);
        assertThat(after.failure()).isNull();
        assertThat(after.completedSteps()).containsExactly("reserve", "price", "pay", "ship", "notify");
        // the run went on with its stored state: what the failed step wrote before it failed is kept
        assertThat(after.state().get("payTries").intValue()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void fromStepRunsThatEarlierStepAndEveryStepAfterItAgain(DurableDsl dsl) throws Exception {
        load(dsl);
        probe.breakStep("pay");
        String id = template.request("direct:order", e -> e.getMessage().setBody("o-2")).getMessage()
                .getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        probe.fix("pay");

        Exchange restarted = restart("direct:restartFromPrice", id);

        assertThat(restarted.getException()).isNull();
        assertThat(restarted.getMessage().getBody()).isEqualTo("reserved o-2, priced, paid, shipped, notified");
        assertThat(probe.attempts("reserve")).containsExactly(1);
        assertThat(probe.attempts("price")).containsExactly(1, 2);
        assertThat(probe.attempts("pay")).containsExactly(1, 2);
        assertThat(probe.attempts("notify")).containsExactly(2);
        FlowSnapshot after = stored(id);
        assertThat(after.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(after.completedSteps()).containsExactly("reserve", "price", "pay", "ship", "notify");
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void fromStepInsideASplitRunsThatIterationAndTheOnesAfterItAgain(DurableDsl dsl) throws Exception {
        load(dsl);
        probe.breakStep("confirm");
        Exchange failed = template.request("direct:items", e -> e.getMessage().setBody(List.of("a", "b", "c", "d", "e")));
        String id = failed.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        assertThat(stored(id).completedSteps())
                .containsExactly("charge[0]", "charge[1]", "charge[2]", "charge[3]", "charge[4]");
        probe.fix("confirm");

        Exchange restarted = restart("direct:restartFromCharge3", id);

        assertThat(restarted.getException()).isNull();
        assertThat(restarted.getMessage().getBody()).isEqualTo("confirmed 5 items");
        // charge[0..2] skipped with their recorded results, charge[3] and charge[4] ran again as attempt 2
        assertThat(probe.attempts("charge")).containsExactly(1, 1, 1, 1, 1, 2, 2);
        assertThat(probe.attempts("confirm")).containsExactly(1, 2);
        FlowSnapshot after = stored(id);
        assertThat(after.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(after.attempt()).isEqualTo(2);
        assertThat(after.completedSteps())
                .containsExactly("charge[0]", "charge[1]", "charge[2]", "charge[3]", "charge[4]", "confirm");
        assertThat(after.results().get("charge[4]").asText()).isEqualTo("charged e");
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void eachRestartIsTheNextAttempt(DurableDsl dsl) throws Exception {
        load(dsl);
        probe.breakStep("pay");
        String id = template.request("direct:order", e -> e.getMessage().setBody("o-3")).getMessage()
                .getHeader(FlowStateConstants.EXECUTION_ID, String.class);

        Exchange stillBroken = restart("direct:restart", id);
        assertThat(stillBroken.getException()).hasMessageContaining("step pay is broken");
        assertThat(stored(id).status()).isEqualTo(FlowStatus.FAILED);
        assertThat(stored(id).attempt()).isEqualTo(2);

        probe.fix("pay");
        Exchange restarted = restart("direct:restart", id);

        assertThat(restarted.getMessage().getHeader(FlowStateConstants.ATTEMPT)).isEqualTo(3);
        assertThat(probe.attempts("pay")).containsExactly(1, 2, 3);
        assertThat(probe.attempts("ship")).containsExactly(3);
        assertThat(stored(id).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(stored(id).attempt()).isEqualTo(3);
        assertThat(stored(id).state().get("payTries").intValue()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void theFailedInnerRunOfARestartedRunGoesOnWithItFromItsFailedStep(DurableDsl dsl) throws Exception {
        load(dsl);
        probe.breakStep("pickup");
        String id = template.request("direct:shipment", e -> e.getMessage().setBody("s-1")).getMessage()
                .getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        FlowSnapshot inner = innerRunOf(id);
        assertThat(stored(id).status()).isEqualTo(FlowStatus.FAILED);
        assertThat(inner.status()).isEqualTo(FlowStatus.FAILED);
        probe.fix("pickup");

        Exchange restarted = restart("direct:restart", id);

        assertThat(restarted.getException()).isNull();
        assertThat(restarted.getMessage().getBody()).isEqualTo("booked s-1, labelled, picked up");
        assertThat(probe.attempts("book")).containsExactly(1);
        assertThat(probe.attempts("label")).containsExactly(1);
        assertThat(probe.attempts("pickup")).containsExactly(1, 2);
        assertThat(stored(id).status()).isEqualTo(FlowStatus.COMPLETED);
        FlowSnapshot innerAfter = stored(inner.executionId());
        assertThat(innerAfter.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(innerAfter.attempt()).isEqualTo(2);
        assertThat(innerAfter.completedSteps()).containsExactly("label", "pickup");
    }

    private FlowSnapshot innerRunOf(String parentId) {
        return repository.find(FlowSnapshotQuery.builder().flowId("carrier").build()).items().stream()
                .map(s -> stored(s.executionId())).filter(s -> parentId.equals(s.parentExecutionId()))
                .findFirst().orElseThrow();
    }

    private Exchange restart(String endpoint, String executionId) {
        return template.request(endpoint,
                e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, executionId));
    }

    private FlowSnapshot stored(String executionId) {
        return repository.load(executionId).orElseThrow();
    }
}
