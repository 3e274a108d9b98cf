package io.flowstate.camel.snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.support.InvalidIdentifierException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a delta's appends combine with its other state changes, and how merging applies them.
 */
class FlowSnapshotDeltaTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static FlowSnapshotDelta.Builder delta() {
        return FlowSnapshotDelta.builder().updatedAt(T0);
    }

    private static FlowSnapshot base(ObjectNode state) {
        return FlowSnapshot.builder().executionId("run-1").flowId("orders").status(FlowStatus.RUNNING)
                .createdAt(T0).state(state).build().withVersion(1);
    }

    @Test
    void appendsKeepTheirOrderPerKey() {
        FlowSnapshotDelta d = delta().appendState("a", JSON.numberNode(1)).appendState("b", JSON.numberNode(2))
                .appendState("a", JSON.numberNode(3)).build();

        assertThat(d.stateAppended()).containsOnlyKeys("a", "b");
        assertThat(d.stateAppended().get("a")).containsExactly(JSON.numberNode(1), JSON.numberNode(3));
    }

    @Test
    void aSetDropsEarlierAppendsOfTheKey() {
        FlowSnapshotDelta d = delta().appendState("a", JSON.numberNode(1)).setState("a", JSON.arrayNode().add(9)).build();

        assertThat(d.stateAppended()).isEmpty();
        assertThat(d.stateSet().get("a")).isEqualTo(JSON.arrayNode().add(9));
    }

    @Test
    void anAppendAfterASetGoesIntoTheSetValue() {
        FlowSnapshotDelta d = delta().setState("a", JSON.arrayNode().add(7)).appendState("a", JSON.numberNode(8)).build();

        assertThat(d.stateAppended()).isEmpty();
        assertThat(d.stateSet().get("a")).isEqualTo(JSON.arrayNode().add(7).add(8));
    }

    @Test
    void anAppendAfterASetToNullMakesAList() {
        FlowSnapshotDelta d = delta().setState("a", null).appendState("a", JSON.numberNode(8)).build();

        assertThat(d.stateSet().get("a")).isEqualTo(JSON.arrayNode().add(8));
    }

    @Test
    void anAppendAfterASetOfANonListIsRefused() {
        FlowSnapshotDelta.Builder b = delta().setState("a", JSON.numberNode(1));

        assertThatThrownBy(() -> b.appendState("a", JSON.numberNode(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'").hasMessageContaining("number");
    }

    @Test
    void removeAndClearDropEarlierAppends() {
        FlowSnapshotDelta removed = delta().appendState("a", JSON.numberNode(1)).removeState("a").build();
        FlowSnapshotDelta cleared = delta().appendState("a", JSON.numberNode(1)).clearState().build();

        assertThat(removed.stateAppended()).isEmpty();
        assertThat(removed.stateRemoved()).containsExactly("a");
        assertThat(cleared.stateAppended()).isEmpty();
        assertThat(cleared.clearState()).isTrue();
    }

    @Test
    void anAppendWithABadKeyCannotBeBuilt() {
        assertThatThrownBy(() -> delta().appendState("../x", JSON.numberNode(1)))
                .isInstanceOf(InvalidIdentifierException.class);
    }

    @Test
    void theAccessorsCannotBeChanged() {
        FlowSnapshotDelta d = delta().appendState("a", JSON.numberNode(1)).build();

        assertThatThrownBy(() -> d.stateAppended().get("a").add(JSON.numberNode(2)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> d.stateAppended().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void mergingNeverChangesTheBaseList() {
        ArrayNode list = JSON.arrayNode().add(1);
        FlowSnapshot base = base(JSON.objectNode().set("a", list));

        FlowSnapshot merged = FlowSnapshotDelta.merge(base,
                List.of(delta().appendState("a", JSON.numberNode(2)).build(),
                        delta().appendState("a", JSON.numberNode(3)).build()), 3, false);

        assertThat(merged.state().get("a")).isEqualTo(JSON.arrayNode().add(1).add(2).add(3));
        assertThat(list).isEqualTo(JSON.arrayNode().add(1));
        assertThat(base.state().get("a")).isEqualTo(JSON.arrayNode().add(1));
    }

    @Test
    void mergingNeverChangesAListADeltaSet() {
        FlowSnapshotDelta set = delta().setState("a", JSON.arrayNode().add(1)).build();

        FlowSnapshotDelta.merge(base(JSON.objectNode()), List.of(set, delta().appendState("a", JSON.numberNode(2)).build()),
                3, false);

        assertThat(set.stateSet().get("a")).isEqualTo(JSON.arrayNode().add(1));
    }

    @Test
    void mergingManyAppendsIsLinear() {
        List<FlowSnapshotDelta> deltas = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            deltas.add(delta().appendState("a", JSON.numberNode(i)).build());
        }

        long start = System.nanoTime();
        FlowSnapshot merged = FlowSnapshotDelta.merge(base(JSON.objectNode()), deltas, 100_001, false);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(merged.state().get("a").size()).isEqualTo(100_000);
        assertThat(merged.state().get("a").get(99_999).intValue()).isEqualTo(99_999);
        // quadratic copying would take minutes; linear takes milliseconds (generous for a loaded machine)
        assertThat(millis).isLessThan(5_000);
    }

    @Test
    void appendingToANonListFailsTheMergeNamingRunAndKey() {
        FlowSnapshot base = base(JSON.objectNode().put("n", 1));

        assertThatThrownBy(() -> delta().appendState("n", JSON.numberNode(2)).build().applyTo(base, 2))
                .isInstanceOf(FlowSnapshotFormatException.class)
                .hasMessageContaining("run-1").hasMessageContaining("'n'").hasMessageContaining("number");
    }
}
