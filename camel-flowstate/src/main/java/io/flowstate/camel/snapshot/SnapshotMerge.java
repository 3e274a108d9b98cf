package io.flowstate.camel.snapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Folds deltas into a snapshot with one shallow copy of the state, results and step list, however many deltas there
 * are (loading a run with a long delta log stays linear). A list appended to is copied (shallowly) once per merge, at
 * its first append, then grown in place: n single-item appends to a list of m items cost O(m + n), not O(m * n).
 */
final class SnapshotMerge {

    private final FlowSnapshot.Builder builder;
    private final Map<String, JsonNode> state;
    private final Map<String, JsonNode> results;
    private final List<String> completedSteps;
    /** The lists this merge made (so no one else sees them): appends go straight into them. */
    private final Set<JsonNode> ownLists = Collections.newSetFromMap(new IdentityHashMap<>());
    private final String executionId;
    private final FlowSnapshot base;
    /** Created at the first delta with events: most deltas of a merge have some, a lease renewal has none. */
    private HistoryFold history;

    SnapshotMerge(FlowSnapshot base) {
        this.executionId = base.executionId();
        this.base = base;
        this.builder = base.toBuilder();
        this.state = fields(base.state());
        this.results = fields(base.results());
        this.completedSteps = new ArrayList<>(base.completedSteps());
    }

    void apply(FlowSnapshotDelta delta, boolean copyValues) {
        if (delta.clearState()) {
            state.clear();
        }
        for (String key : delta.stateRemoved()) {
            state.remove(key);
        }
        for (Map.Entry<String, JsonNode> e : delta.stateSet().entrySet()) {
            state.put(e.getKey(), copyValues ? e.getValue().deepCopy() : e.getValue());
        }
        for (Map.Entry<String, List<JsonNode>> e : delta.stateAppended().entrySet()) {
            ArrayNode list = ownList(e.getKey());
            for (JsonNode item : e.getValue()) {
                list.add(copyValues ? item.deepCopy() : item);
            }
        }
        for (Map.Entry<String, JsonNode> e : delta.results().entrySet()) {
            results.put(e.getKey(), copyValues ? e.getValue().deepCopy() : e.getValue());
        }
        completedSteps.addAll(delta.completedSteps());
        for (RunField field : delta.changed()) {
            builder.set(field, delta.get(field));
        }
        if (!delta.events().isEmpty()) {
            if (history == null) {
                history = new HistoryFold(base.history());
            }
            history.add(delta.events(), delta.maxHistory());
        }
        builder.updatedAt(delta.updatedAt());
    }

    /** The list under {@code key} that this merge may grow: created when absent or null, copied once otherwise. */
    private ArrayNode ownList(String key) {
        JsonNode current = state.get(key);
        if (current != null && ownLists.contains(current)) {
            return (ArrayNode) current;
        }
        ArrayNode list;
        if (current == null || current.isNull()) {
            list = JsonNodeFactory.instance.arrayNode();
        } else if (current.isArray()) {
            List<JsonNode> items = new ArrayList<>(current.size() + 16);
            current.elements().forEachRemaining(items::add);
            list = new ArrayNode(JsonNodeFactory.instance, items);
        } else {
            throw new FlowSnapshotFormatException("A delta of run " + executionId + " appends to state key '" + key
                                                  + "', which holds a "
                                                  + current.getNodeType().name().toLowerCase(Locale.ROOT)
                                                  + ", not a list: the stored deltas are faulty (a checkpoint appended"
                                                  + " to a key that is not a list). Other runs are not affected");
        }
        ownLists.add(list);
        state.put(key, list);
        return list;
    }

    /** The merged snapshot; call once. */
    FlowSnapshot result(long version) {
        if (history != null) {
            builder.history(history.result());
        }
        return builder.version(version)
                .state(new ObjectNode(JsonNodeFactory.instance, state))
                .results(new ObjectNode(JsonNodeFactory.instance, results))
                .completedSteps(completedSteps)
                .buildShared();
    }

    private static Map<String, JsonNode> fields(ObjectNode node) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), e.getValue());
        }
        return map;
    }
}
