package io.flowstate.camel.execution;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.RunField;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A checkpoint after an append writes the appended item, not the whole list, so a run that appends at every step
 * writes the same amount per step however long the list grows.
 */
class AppendCheckpointTest extends CamelTestSupport {

    private final List<FlowSnapshotDelta> deltas = new CopyOnWriteArrayList<>();
    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository() {
        @Override
        public long saveDelta(String executionId, FlowSnapshotDelta delta, long expectedVersion) {
            deltas.add(delta);
            return super.saveDelta(executionId, delta, expectedVersion);
        }
    };

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void eachCheckpointCarriesOnlyTheItemsAppendedSinceTheLastOne() {
        Exchange out = template.request("direct:appendSteps", e -> e.getMessage().setBody("x"));
        assertThat(out.getException()).isNull();

        // the first save is whole; then one delta per snapshot, each with the one item appended since
        List<FlowSnapshotDelta> appends = deltas.stream().filter(d -> !d.stateAppended().isEmpty()).toList();
        assertThat(appends).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(appends.get(i).stateAppended().get("seen")).hasSize(1);
            assertThat(appends.get(i).stateAppended().get("seen").get(0).asText()).isEqualTo("item-" + (i + 2));
            assertThat(appends.get(i).stateSet()).doesNotContainKey("seen");
        }
        // nor is the lease written again while more than half of it is left: fewer columns per step
        assertThat(appends).noneMatch(d -> d.changes(RunField.LEASE_EXPIRES_AT));
        String id = out.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        assertThat(repository.load(id).orElseThrow().state().get("seen").toString())
                .isEqualTo("[\"item-1\",\"item-2\",\"item-3\",\"item-4\"]");
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:appendSteps")
                        .setBody(constant("item-1")).to("flowstate:append:seen").to("flowstate:snapshot")
                        .setBody(constant("item-2")).to("flowstate:append:seen").to("flowstate:snapshot")
                        .setBody(constant("item-3")).to("flowstate:append:seen").to("flowstate:snapshot")
                        .setBody(constant("item-4")).to("flowstate:append:seen").to("flowstate:snapshot");
            }
        };
    }
}
