package io.flowstate.camel.snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.support.Identifiers;

/**
 * What changed in a run since its last save: the per-step checkpoint. Its cost is proportional to the change, not to
 * the run's age; repositories append it (file log, delta table) and fold deltas into a full snapshot now and then.
 * <p>
 * Applied in this order: {@linkplain Builder#clearState() clear the state}, remove state keys, set state keys,
 * {@linkplain Builder#appendState(String, JsonNode) append items to state lists}, put results, append completed steps,
 * then replace the changed fields (status, waiting-for, wake-at, resume-token hash, resource names, lease, failure,
 * approvals, approval rules, cancel request), then append the history events. A field not mentioned stays as it was; a field set to null is
 * cleared.
 * <p>
 * History: a delta carries the events that happened since the last save and the run's maxHistory; applying it counts
 * them and keeps only the last maxHistory events, so writing an event costs one delta and never rewrites the
 * history.
 * <p>
 * Appends: a state key holding a list that grows by a few items per step is checkpointed by its new items only, so a
 * checkpoint costs (and stores) what changed, not the whole list again. Appending to an absent key (or one holding
 * JSON null) creates the list. Appending to a key that holds anything but a list is a faulty delta: the repositories
 * that fold deltas when they are saved (memory) refuse it, the others fail the load of that run with a
 * {@link FlowSnapshotFormatException} naming the run and the key (file and JDBC never read the state on a checkpoint,
 * so the writer must append only to keys it knows hold a list or nothing).
 * <p>
 * Within one builder, later calls for a key win: {@code setState} or {@code removeState} drops the key's earlier
 * appends of this delta; an append after a {@code setState} of a list is added to that set value (and is refused if
 * the set value is not a list); an append after {@code removeState} starts a new list.
 * <p>
 * Immutable: the builder copies the JSON values it is given; never mutate the nodes the accessors return.
 */
public final class FlowSnapshotDelta {

    private final Instant updatedAt;
    private final boolean clearState;
    private final Set<String> stateRemoved;
    private final Map<String, JsonNode> stateSet;
    private final Map<String, List<JsonNode>> stateAppended;
    private final Map<String, JsonNode> results;
    private final List<String> completedSteps;
    private final Map<RunField, Object> replaced;
    private final List<HistoryEvent> events;
    private final int maxHistory;

    private FlowSnapshotDelta(Builder b) {
        if (b.updatedAt == null) {
            // never the system's time by default: under a component clock of a test it would be months apart
            throw new IllegalArgumentException("A FlowSnapshotDelta needs updatedAt, the time of the change (the"
                                               + " component takes it from its clock option)");
        }
        this.updatedAt = FlowSnapshot.micros(b.updatedAt);
        this.clearState = b.clearState;
        this.stateRemoved = Collections.unmodifiableSet(new LinkedHashSet<>(b.stateRemoved));
        this.stateSet = Collections.unmodifiableMap(new LinkedHashMap<>(b.stateSet));
        Map<String, List<JsonNode>> appended = new LinkedHashMap<>();
        b.stateAppended.forEach((key, items) -> appended.put(key, List.copyOf(items)));
        this.stateAppended = Collections.unmodifiableMap(appended);
        this.results = Collections.unmodifiableMap(new LinkedHashMap<>(b.results));
        this.completedSteps = List.copyOf(b.completedSteps);
        this.replaced = Collections.unmodifiableMap(new EnumMap<>(b.replaced));
        this.events = List.copyOf(b.events);
        this.maxHistory = b.maxHistory;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Folds deltas into a snapshot.
     *
     * @param  base       the snapshot the first delta follows
     * @param  deltas     in the order they were saved
     * @param  version    the version of the result (the version the last delta created)
     * @param  copyValues whether to copy the deltas' JSON values, so the result shares no node with them
     * @return            the merged snapshot; it shares JSON nodes with {@code base} (do not mutate either)
     */
    public static FlowSnapshot merge(FlowSnapshot base, List<FlowSnapshotDelta> deltas, long version, boolean copyValues) {
        if (deltas.isEmpty()) {
            return base.withVersion(version);
        }
        SnapshotMerge merge = new SnapshotMerge(base);
        for (FlowSnapshotDelta delta : deltas) {
            merge.apply(delta, copyValues);
        }
        return merge.result(version);
    }

    /** This delta applied to {@code base}, giving {@code version}. */
    public FlowSnapshot applyTo(FlowSnapshot base, long version) {
        return merge(base, List.of(this), version, false);
    }

    /** When the change was made; becomes the run's updatedAt. */
    public Instant updatedAt() {
        return updatedAt;
    }

    /** Whether the whole state is emptied before the keys are removed, set and appended to. */
    public boolean clearState() {
        return clearState;
    }

    public Set<String> stateRemoved() {
        return stateRemoved;
    }

    public Map<String, JsonNode> stateSet() {
        return stateSet;
    }

    /**
     * Items appended to state lists, key to items in the order they were appended; applied after the sets. Never
     * holds an empty list.
     */
    public Map<String, List<JsonNode>> stateAppended() {
        return stateAppended;
    }

    /** Step results added or replaced, step key to value. */
    public Map<String, JsonNode> results() {
        return results;
    }

    /** Step keys appended to the completed steps. */
    public List<String> completedSteps() {
        return completedSteps;
    }

    /** The fields this delta replaces (see {@link RunField#replacedByDeltas()}), in their order. */
    public Set<RunField> changed() {
        return replaced.keySet();
    }

    public boolean changes(RunField field) {
        return replaced.containsKey(field);
    }

    /** The value this delta gives {@code field}; null when it clears it, or does not change it. */
    public Object get(RunField field) {
        return replaced.get(field);
    }

    public FlowStatus status() {
        return (FlowStatus) replaced.get(RunField.STATUS);
    }

    public String waitingFor() {
        return (String) replaced.get(RunField.WAITING_FOR);
    }

    public Instant wakeAt() {
        return (Instant) replaced.get(RunField.WAKE_AT);
    }

    public String resumeTokenHash() {
        return (String) replaced.get(RunField.RESUME_TOKEN_HASH);
    }

    @SuppressWarnings("unchecked")
    public List<String> resourceNames() {
        return (List<String>) replaced.get(RunField.RESOURCE_NAMES);
    }

    public String leaseOwner() {
        return (String) replaced.get(RunField.LEASE_OWNER);
    }

    public Instant leaseExpiresAt() {
        return (Instant) replaced.get(RunField.LEASE_EXPIRES_AT);
    }

    public String failure() {
        return (String) replaced.get(RunField.FAILURE);
    }

    /** History events appended to the run's history, oldest first. */
    public List<HistoryEvent> events() {
        return events;
    }

    /** How many events the run keeps once this delta's are appended (older ones are only counted). */
    public int maxHistory() {
        return maxHistory;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FlowSnapshotDelta)) {
            return false;
        }
        FlowSnapshotDelta d = (FlowSnapshotDelta) o;
        return clearState == d.clearState && updatedAt.equals(d.updatedAt) && stateRemoved.equals(d.stateRemoved)
                && stateSet.equals(d.stateSet) && stateAppended.equals(d.stateAppended) && results.equals(d.results) && completedSteps.equals(d.completedSteps)
                && replaced.equals(d.replaced) && events.equals(d.events) && maxHistory == d.maxHistory;
    }

    @Override
    public int hashCode() {
        return Objects.hash(updatedAt, stateSet.keySet(), stateAppended.keySet(), results.keySet(), completedSteps,
                replaced.keySet());
    }

    /** Names only: values may hold personal or secret data. */
    @Override
    public String toString() {
        return "FlowSnapshotDelta[set=" + stateSet.keySet() + ", appended=" + appendedCounts() + ", removed="
               + stateRemoved + ", results="
               + results.keySet() + ", completed=" + completedSteps + ", changed=" + changed() + ", events="
               + events.size() + "]";
    }

    private Map<String, Integer> appendedCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        stateAppended.forEach((key, items) -> counts.put(key, items.size()));
        return counts;
    }

    /** Collects one checkpoint's changes. Later calls for the same key win (see the class comment for appends). */
    public static final class Builder {
        private Instant updatedAt;
        private boolean clearState;
        private final Set<String> stateRemoved = new LinkedHashSet<>();
        private final Map<String, JsonNode> stateSet = new LinkedHashMap<>();
        private final Map<String, List<JsonNode>> stateAppended = new LinkedHashMap<>();
        private final Map<String, JsonNode> results = new LinkedHashMap<>();
        private final List<String> completedSteps = new ArrayList<>();
        private final EnumMap<RunField, Object> replaced = new EnumMap<>(RunField.class);
        private final List<HistoryEvent> events = new ArrayList<>();
        private int maxHistory = FlowSnapshot.DEFAULT_MAX_HISTORY;

        private Builder() {
        }

        /** Required: when the change was made, by the clock of the component that made it. */
        public Builder updatedAt(Instant updatedAt) {
            this.updatedAt = updatedAt;
            return this;
        }

        /**
         * Sets a state key; the value is copied (a Java null becomes JSON null). Drops this delta's earlier appends to
         * the key.
         */
        public Builder setState(String key, JsonNode value) {
            Identifiers.requireKey(key);
            stateRemoved.remove(key);
            stateAppended.remove(key);
            stateSet.put(key, value == null ? NullNode.instance : value.deepCopy());
            return this;
        }

        /** Removes a state key; drops this delta's earlier sets of and appends to the key. */
        public Builder removeState(String key) {
            Identifiers.requireKey(key);
            stateSet.remove(key);
            stateAppended.remove(key);
            stateRemoved.add(key);
            return this;
        }

        /**
         * Appends one item to the list under a state key; the item is copied (a Java null becomes JSON null). Several
         * appends to one key keep their order. When this delta already sets the key, the item is added to the set
         * value instead (a JSON null set value becomes a list).
         *
         * @throws IllegalArgumentException when this delta sets the key to a value that is not a list
         */
        public Builder appendState(String key, JsonNode item) {
            Identifiers.requireKey(key);
            JsonNode copy = item == null ? NullNode.instance : item.deepCopy();
            JsonNode set = stateSet.get(key);
            if (set != null) {
                if (set.isNull()) {
                    set = JsonNodeFactory.instance.arrayNode();
                    stateSet.put(key, set);
                }
                if (!set.isArray()) {
                    throw new IllegalArgumentException("Cannot append to state key '" + key + "': this delta sets it to "
                                                       + "a " + set.getNodeType().name().toLowerCase(Locale.ROOT)
                                                       + ", not a list");
                }
                ((ArrayNode) set).add(copy);
            } else {
                stateAppended.computeIfAbsent(key, k -> new ArrayList<>()).add(copy);
            }
            return this;
        }

        /**
         * Empties the state before this delta's removals, sets and appends; forgets the state changes collected so far.
         */
        public Builder clearState() {
            clearState = true;
            stateSet.clear();
            stateRemoved.clear();
            stateAppended.clear();
            return this;
        }

        /** Records a step result; the value is copied. */
        public Builder result(String stepKey, JsonNode value) {
            results.put(FlowSnapshot.checkName("step key", Objects.requireNonNull(stepKey, "stepKey")),
                    value == null ? NullNode.instance : value.deepCopy());
            return this;
        }

        public Builder completedStep(String stepKey) {
            completedSteps.add(FlowSnapshot.checkName("step key", Objects.requireNonNull(stepKey, "stepKey")));
            return this;
        }

        public Builder status(FlowStatus status) {
            return replace(RunField.STATUS, status);
        }

        public Builder waitingFor(String waitingFor) {
            return replace(RunField.WAITING_FOR, waitingFor);
        }

        public Builder wakeAt(Instant wakeAt) {
            return replace(RunField.WAKE_AT, wakeAt);
        }

        public Builder resumeTokenHash(String resumeTokenHash) {
            return replace(RunField.RESUME_TOKEN_HASH, resumeTokenHash);
        }

        /** Null means none. */
        public Builder resourceNames(Collection<String> resourceNames) {
            return replace(RunField.RESOURCE_NAMES, resourceNames);
        }

        /** Sets (or with nulls clears) the lease. */
        public Builder lease(String owner, Instant expiresAt) {
            return replace(RunField.LEASE_OWNER, owner).replace(RunField.LEASE_EXPIRES_AT, expiresAt);
        }

        public Builder failure(String failure) {
            return replace(RunField.FAILURE, failure);
        }

        /** Replaces the run's approvals record whole. */
        public Builder approvals(ObjectNode approvals) {
            return replace(RunField.APPROVALS, approvals == null ? null : approvals.deepCopy());
        }

        /** Null clears them. */
        public Builder approvalRules(ObjectNode approvalRules) {
            return replace(RunField.APPROVAL_RULES, approvalRules == null ? null : approvalRules.deepCopy());
        }

        /** Records a cancel request, or with nulls clears it (see {@link FlowSnapshot#cancelRequestedAt()}). */
        public Builder cancelRequest(Instant at, String actor, String reason) {
            return replace(RunField.CANCEL_REQUESTED_AT, at).replace(RunField.CANCEL_ACTOR, actor)
                    .replace(RunField.CANCEL_REASON, reason);
        }

        /** Appends an event to the run's history. */
        public Builder event(HistoryEvent event) {
            events.add(Objects.requireNonNull(event, "event"));
            return this;
        }

        /**
         * How many events the run keeps (default {@value FlowSnapshot#DEFAULT_MAX_HISTORY}).
         *
         * @throws IllegalArgumentException when less than 1
         */
        public Builder maxHistory(int maxHistory) {
            if (maxHistory < 1) {
                throw new IllegalArgumentException("maxHistory must be at least 1, not " + maxHistory);
            }
            this.maxHistory = maxHistory;
            return this;
        }

        /** Replaces a field the way a delta can (null clears it); the value is checked as the run's field is. */
        Builder replace(RunField field, Object value) {
            if (!field.replacedByDeltas()) {
                throw new IllegalArgumentException("A delta does not replace the run's " + field.jsonName());
            }
            replaced.put(field, field.check(value));
            return this;
        }

        public FlowSnapshotDelta build() {
            return new FlowSnapshotDelta(this);
        }
    }
}
