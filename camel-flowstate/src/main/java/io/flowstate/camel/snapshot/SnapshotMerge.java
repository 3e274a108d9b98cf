package io.flowstate.camel.snapshot;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Folds deltas into a snapshot with one shallow copy of the state, results and step list, however many deltas there
 * are (loading a run with a long delta log stays linear).
 */
final class SnapshotMerge {

    private final FlowSnapshot.Builder builder;
    private final Map<String, JsonNode> state;
    private final Map<String, JsonNode> results;
    private final List<String> completedSteps;

    SnapshotMerge(FlowSnapshot base) {
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
        for (Map.Entry<String, JsonNode> e : delta.results().entrySet()) {
            results.put(e.getKey(), copyValues ? e.getValue().deepCopy() : e.getValue());
        }
        completedSteps.addAll(delta.completedSteps());
        for (FlowSnapshotDelta.Field field : delta.changed()) {
            switch (field) {
                case STATUS -> builder.status(delta.status());
                case WAITING_FOR -> builder.waitingFor(delta.waitingFor());
                case WAKE_AT -> builder.wakeAt(delta.wakeAt());
                case RESUME_TOKEN_HASH -> builder.resumeTokenHash(delta.resumeTokenHash());
                case RESOURCE_NAMES -> builder.resourceNames(delta.resourceNames());
                case LEASE_OWNER -> builder.leaseOwner(delta.leaseOwner());
                case LEASE_EXPIRES_AT -> builder.leaseExpiresAt(delta.leaseExpiresAt());
                case FAILURE -> builder.failure(delta.failure());
                default -> throw new IllegalStateException("Unknown delta field " + field);
            }
        }
        builder.updatedAt(delta.updatedAt());
    }

    /** The merged snapshot; call once. */
    FlowSnapshot result(long version) {
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
