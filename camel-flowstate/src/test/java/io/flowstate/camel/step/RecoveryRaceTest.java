package io.flowstate.camel.step;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The maintenance finds a run to continue, and before it loads the run another node (or a resume) takes it: the
 * maintenance must leave the run to that node, not claim the version it then loads and run the flow a second time.
 * The repository below is a real memory repository that makes the other node's move right after each find.
 */
class RecoveryRaceTest extends CamelTestSupport {

    private static final String ID = "01a20736-0000-7000-8000-0000000000bb";

    private final OvertakenAfterFind repository = new OvertakenAfterFind();
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void aRunWhoseExpiredLeaseAnotherNodeTookAfterTheFindIsLeftToThatNode() {
        repository.save(run(FlowStatus.RUNNING).leaseOwner("dead-node")
                .leaseExpiresAt(Instant.now().minusSeconds(60)).build(), 0);

        maintenancePass();

        FlowSnapshot after = repository.load(ID).orElseThrow();
        assertThat(after.leaseOwner()).isEqualTo("other-node");
        assertThat(after.version()).isEqualTo(2);
        assertThat(runs).isEmpty();
    }

    @Test
    void aDueRunThatWasResumedAfterTheFindIsNotContinuedAgain() {
        repository.save(run(FlowStatus.SUSPENDED).waitingFor("approval")
                .wakeAt(Instant.now().minusSeconds(60)).build(), 0);

        maintenancePass();

        FlowSnapshot after = repository.load(ID).orElseThrow();
        assertThat(after.status()).isEqualTo(FlowStatus.RUNNING);
        assertThat(after.leaseOwner()).isEqualTo("other-node");
        assertThat(after.version()).isEqualTo(2);
        assertThat(runs).isEmpty();
    }

    private void maintenancePass() {
        context.getComponent("flowstate", FlowStateComponent.class).getMaintenance().runOnce();
    }

    private static FlowSnapshot.Builder run(FlowStatus status) {
        return FlowSnapshot.builder().executionId(ID).flowId("order").routeId("order").status(status)
                .createdAt(Instant.now().minusSeconds(120))
                .input(JsonNodeFactory.instance.objectNode().put("body", "order-13").set("headers",
                        JsonNodeFactory.instance.objectNode()))
                .completedSteps(List.of());
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:order").routeId("order")
                        .to("flowstate:start")
                        .to("flowstate:suspend:approval?timeout=PT1H")
                        .step("ship").process(e -> runs.computeIfAbsent("ship", s -> new AtomicInteger())
                                .incrementAndGet()).end();
            }
        };
    }

    /** After each find that returns the run, another node claims it: RUNNING, its lease for an hour. */
    private static final class OvertakenAfterFind extends MemoryFlowSnapshotRepository {

        @Override
        public List<FlowSnapshotSummary> findExpiredLeases(Instant now, int limit) {
            return overtaken(super.findExpiredLeases(now, limit));
        }

        @Override
        public List<FlowSnapshotSummary> findDue(Instant now, int limit) {
            return overtaken(super.findDue(now, limit));
        }

        private List<FlowSnapshotSummary> overtaken(List<FlowSnapshotSummary> found) {
            for (FlowSnapshotSummary run : found) {
                saveDelta(run.executionId(), FlowSnapshotDelta.builder().updatedAt(Instant.now())
                        .status(FlowStatus.RUNNING).waitingFor(null).wakeAt(null)
                        .lease("other-node", Instant.now().plusSeconds(3600)).build(), run.version());
            }
            return found;
        }
    }
}
