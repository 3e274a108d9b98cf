package io.flowstate.camel.snapshot;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.support.BusinessKeys;
import io.flowstate.camel.support.Identifiers;

/**
 * One run as stored: ids, status, version, timestamps, the original input, the state, step results, what it waits for
 * and who holds its lease. Immutable.
 * <p>
 * JSON parts: {@link Builder#build()} copies the nodes it is given, so later changes to the caller's nodes do not reach
 * the snapshot. The accessors return the snapshot's own nodes without copying (a snapshot can be large): never mutate
 * them; call {@code deepCopy()} on a node to get one that may be changed.
 * <p>
 * Timestamps are kept to the microsecond (the precision of SQL timestamp columns), so a snapshot reads back equal from
 * every repository.
 */
public final class FlowSnapshot {

    /** The snapshot format this version of camel-flowstate writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /** Longest text accepted for route id, lease owner, waiting-for and resource names. */
    public static final int MAX_NAME_LENGTH = Identifiers.MAX_LENGTH;

    /** Longest failure message kept; longer ones are cut and end with "...". */
    public static final int MAX_FAILURE_LENGTH = 4000;

    /** Default of the component option maxHistory: the events a run keeps (older ones only counted). */
    public static final int DEFAULT_MAX_HISTORY = 1000;

    private final EnumMap<RunField, Object> values;

    private FlowSnapshot(Builder b, boolean copyJson) {
        EnumMap<RunField, Object> checked = new EnumMap<>(RunField.class);
        for (RunField field : RunField.values()) {
            Object value = field.check(b.values.get(field));
            if (value == null) {
                value = defaultOf(field, checked);
            } else if (copyJson && value instanceof JsonNode node) {
                value = node.deepCopy();
            }
            checked.put(field, value);
        }
        if ((Long) checked.get(RunField.VERSION) < 0) {
            throw new IllegalArgumentException("The version of run " + checked.get(RunField.EXECUTION_ID)
                                               + " is negative: " + checked.get(RunField.VERSION));
        }
        this.values = checked;
    }

    /** What a field without a value holds: updatedAt is createdAt, the JSON parts and lists are empty. */
    private static Object defaultOf(RunField field, Map<RunField, Object> checked) {
        if (field == RunField.UPDATED_AT) {
            return checked.get(RunField.CREATED_AT);
        }
        return switch (field.type()) {
            case JSON -> field == RunField.INPUT ? defaultInput() : null;
            case OBJECT -> JsonNodeFactory.instance.objectNode();
            case TEXT_LIST -> List.of();
            default -> null;
        };
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this snapshot's values; JSON nodes are copied again when it builds. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        return b;
    }

    /** A copy whose JSON nodes are not shared with this one. */
    public FlowSnapshot deepCopy() {
        return toBuilder().build();
    }

    /** The same snapshot with another version (JSON nodes shared, not copied). */
    public FlowSnapshot withVersion(long newVersion) {
        return toBuilder().version(newVersion).buildShared();
    }

    public int formatVersion() {
        return FORMAT_VERSION;
    }

    public String executionId() {
        return (String) values.get(RunField.EXECUTION_ID);
    }

    public String flowId() {
        return (String) values.get(RunField.FLOW_ID);
    }

    /** The route the run started in, null when unknown. */
    public String routeId() {
        return (String) values.get(RunField.ROUTE_ID);
    }

    public FlowStatus status() {
        return (FlowStatus) values.get(RunField.STATUS);
    }

    /** The stored version: 1 after the first save, +1 per save or delta. Set by the repository. */
    public long version() {
        return (Long) values.get(RunField.VERSION);
    }

    public Instant createdAt() {
        return (Instant) values.get(RunField.CREATED_AT);
    }

    public Instant updatedAt() {
        return (Instant) values.get(RunField.UPDATED_AT);
    }

    /** The run's original input: {@code {"body": ..., "headers": {...}}}. */
    public JsonNode input() {
        return (JsonNode) values.get(RunField.INPUT);
    }

    /** The execution-scope state, key to value. */
    public ObjectNode state() {
        return (ObjectNode) values.get(RunField.STATE);
    }

    /** Step results, step key to the body the step ended with. */
    public ObjectNode results() {
        return (ObjectNode) values.get(RunField.RESULTS);
    }

    /** Keys of the steps already done, in the order they completed. */
    @SuppressWarnings("unchecked")
    public List<String> completedSteps() {
        return (List<String>) values.get(RunField.COMPLETED_STEPS);
    }

    /** The name of the suspend step the run waits at, null when it waits for nothing. */
    public String waitingFor() {
        return (String) values.get(RunField.WAITING_FOR);
    }

    /** When a SUSPENDED run continues by itself (suspend timeout, durable sleep), null for never. */
    public Instant wakeAt() {
        return (Instant) values.get(RunField.WAKE_AT);
    }

    /** Hash of the resume token, null when the run cannot be resumed by a token. */
    public String resumeTokenHash() {
        return (String) values.get(RunField.RESUME_TOKEN_HASH);
    }

    /** Names of the live resources the run used; restore checks they can be resolved. */
    @SuppressWarnings("unchecked")
    public List<String> resourceNames() {
        return (List<String>) values.get(RunField.RESOURCE_NAMES);
    }

    /** The node that holds the run while it is RUNNING, null when none. */
    public String leaseOwner() {
        return (String) values.get(RunField.LEASE_OWNER);
    }

    /** When the lease ends unless renewed, null when there is no lease. */
    public Instant leaseExpiresAt() {
        return (Instant) values.get(RunField.LEASE_EXPIRES_AT);
    }

    public String parentExecutionId() {
        return (String) values.get(RunField.PARENT_EXECUTION_ID);
    }

    /** The context the run belongs to (header CamelFlowStateContextId), null when none. */
    public String contextId() {
        return (String) values.get(RunField.CONTEXT_ID);
    }

    /** The failure message of a FAILED run, null otherwise. */
    public String failure() {
        return (String) values.get(RunField.FAILURE);
    }

    /** Who started the run (header CamelFlowStateActor at its start), null when not given. */
    public String startedBy() {
        return (String) values.get(RunField.STARTED_BY);
    }

    /** The approval steps answered, suspend NAME to {@code {"actor", "at", "timedOut"}}; null while none was. */
    public ObjectNode approvals() {
        return (ObjectNode) values.get(RunField.APPROVALS);
    }

    /** What a resume of the suspend the run waits at must meet beyond the token, or null. */
    public ObjectNode approvalRules() {
        return (ObjectNode) values.get(RunField.APPROVAL_RULES);
    }

    /** The run's business key (option businessKey of flowstate:start), null when none. */
    public String businessKey() {
        return (String) values.get(RunField.BUSINESS_KEY);
    }

    /** 1 for the run's first attempt, 2 after its first restart, and so on. */
    public int attempt() {
        Integer attempt = (Integer) values.get(RunField.ATTEMPT);
        return attempt == null ? 1 : attempt;
    }

    /**
     * The run's history as stored: {@code {"counts": {TYPE: n}, "events": [...]}} (an empty object for a run with
     * none). Read it through {@link #historyEvents()} and {@link #historyCounts()}.
     */
    public ObjectNode history() {
        return (ObjectNode) values.get(RunField.HISTORY);
    }

    /** The events the run keeps, oldest first (at most maxHistory). */
    public List<HistoryEvent> historyEvents() {
        return HistoryFold.events(history(), "The history of run " + executionId());
    }

    /** How many events of each type the run had, kept or not (types it never had are left out). */
    public Map<HistoryEvent.Type, Long> historyCounts() {
        return HistoryFold.counts(history());
    }

    /** When flowstate:cancel asked the node holding the run to stop it; null when nobody asked. */
    public Instant cancelRequestedAt() {
        return (Instant) values.get(RunField.CANCEL_REQUESTED_AT);
    }

    /** Who asked to cancel the run, or null. */
    public String cancelActor() {
        return (String) values.get(RunField.CANCEL_ACTOR);
    }

    /** Why the run is to be cancelled, or null. */
    public String cancelReason() {
        return (String) values.get(RunField.CANCEL_REASON);
    }

    /** The last step the run completed, null before its first. */
    public String lastStep() {
        List<String> steps = completedSteps();
        return steps.isEmpty() ? null : steps.get(steps.size() - 1);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FlowSnapshot)) {
            return false;
        }
        return values.equals(((FlowSnapshot) o).values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(executionId(), version(), status());
    }

    /** Ids, status and version only: state and input may hold personal or secret data, so they are never printed. */
    @Override
    public String toString() {
        return "FlowSnapshot[executionId=" + executionId() + ", flowId=" + flowId() + ", status=" + status()
               + ", version=" + version() + "]";
    }

    /** This run's value of {@code field}, as its accessor returns it. */
    public Object get(RunField field) {
        return values.get(field);
    }

    static JsonNode defaultInput() {
        ObjectNode in = JsonNodeFactory.instance.objectNode();
        in.set("body", NullNode.instance);
        in.set("headers", JsonNodeFactory.instance.objectNode());
        return in;
    }

    static Instant micros(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    static String checkName(String what, String value) {
        if (value != null && value.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(
                    "The " + what + " is longer than " + MAX_NAME_LENGTH + " characters: " + value.substring(0, 40)
                                               + "...");
        }
        return value;
    }

    /** An attempt as stored: null for the first (1), the number above it. */
    static Integer checkAttempt(Object attempt) {
        if (attempt == null) {
            return null;
        }
        int value = ((Number) attempt).intValue();
        if (value < 1) {
            throw new IllegalArgumentException("The attempt of a run must be 1 or more, not " + value);
        }
        return value == 1 ? null : value;
    }

    static String cutFailure(String failure) {
        if (failure == null || failure.length() <= MAX_FAILURE_LENGTH) {
            return failure;
        }
        return failure.substring(0, MAX_FAILURE_LENGTH - 3) + "...";
    }

    /** Builds a {@link FlowSnapshot}; execution id, flow id, status and createdAt are required. */
    public static final class Builder {
        private final EnumMap<RunField, Object> values = new EnumMap<>(RunField.class);

        private Builder() {
            values.put(RunField.STATUS, FlowStatus.RUNNING);
            values.put(RunField.VERSION, 0L);
        }

        /** Sets a field's value, checked when the snapshot is built. */
        Builder set(RunField field, Object value) {
            values.put(field, value);
            return this;
        }

        public Builder executionId(String executionId) {
            return set(RunField.EXECUTION_ID, executionId);
        }

        public Builder flowId(String flowId) {
            return set(RunField.FLOW_ID, flowId);
        }

        public Builder routeId(String routeId) {
            return set(RunField.ROUTE_ID, routeId);
        }

        public Builder status(FlowStatus status) {
            return set(RunField.STATUS, status);
        }

        /** Informational when saving: the repository stores {@code expectedVersion + 1}. */
        public Builder version(long version) {
            return set(RunField.VERSION, version);
        }

        public Builder createdAt(Instant createdAt) {
            return set(RunField.CREATED_AT, createdAt);
        }

        /** Defaults to createdAt. */
        public Builder updatedAt(Instant updatedAt) {
            return set(RunField.UPDATED_AT, updatedAt);
        }

        /** Defaults to {@code {"body": null, "headers": {}}}. */
        public Builder input(JsonNode input) {
            return set(RunField.INPUT, input);
        }

        public Builder state(ObjectNode state) {
            return set(RunField.STATE, state);
        }

        public Builder results(ObjectNode results) {
            return set(RunField.RESULTS, results);
        }

        public Builder completedSteps(Collection<String> completedSteps) {
            return set(RunField.COMPLETED_STEPS, completedSteps == null ? null : new ArrayList<>(completedSteps));
        }

        public Builder waitingFor(String waitingFor) {
            return set(RunField.WAITING_FOR, waitingFor);
        }

        public Builder wakeAt(Instant wakeAt) {
            return set(RunField.WAKE_AT, wakeAt);
        }

        public Builder resumeTokenHash(String resumeTokenHash) {
            return set(RunField.RESUME_TOKEN_HASH, resumeTokenHash);
        }

        public Builder resourceNames(Collection<String> resourceNames) {
            return set(RunField.RESOURCE_NAMES, resourceNames == null ? null : new ArrayList<>(resourceNames));
        }

        public Builder leaseOwner(String leaseOwner) {
            return set(RunField.LEASE_OWNER, leaseOwner);
        }

        public Builder leaseExpiresAt(Instant leaseExpiresAt) {
            return set(RunField.LEASE_EXPIRES_AT, leaseExpiresAt);
        }

        public Builder parentExecutionId(String parentExecutionId) {
            return set(RunField.PARENT_EXECUTION_ID, parentExecutionId);
        }

        public Builder contextId(String contextId) {
            return set(RunField.CONTEXT_ID, contextId);
        }

        /** Cut to {@link #MAX_FAILURE_LENGTH} characters. */
        public Builder failure(String failure) {
            return set(RunField.FAILURE, failure);
        }

        public Builder startedBy(String startedBy) {
            return set(RunField.STARTED_BY, startedBy);
        }

        /** Null (or empty) for none. */
        public Builder approvals(ObjectNode approvals) {
            return set(RunField.APPROVALS, approvals == null || approvals.isEmpty() ? null : approvals);
        }

        public Builder approvalRules(ObjectNode approvalRules) {
            return set(RunField.APPROVAL_RULES, approvalRules);
        }

        /** Checked by {@link BusinessKeys#require}; null for none. */
        public Builder businessKey(String businessKey) {
            return set(RunField.BUSINESS_KEY, businessKey);
        }

        /** 1 (the default) for a run's first attempt, +1 per restart. */
        public Builder attempt(int attempt) {
            return set(RunField.ATTEMPT, attempt);
        }

        /** The history document (see {@link FlowSnapshot#history()}); build one with {@link #history(List, int)}. */
        public Builder history(ObjectNode history) {
            return set(RunField.HISTORY, history);
        }

        /** A history holding {@code events} (the last {@code maxHistory} of them) and their counts. */
        public Builder history(List<HistoryEvent> events, int maxHistory) {
            HistoryFold fold = new HistoryFold(null);
            fold.add(events, maxHistory);
            return set(RunField.HISTORY, fold.result());
        }

        /** Records a cancel request (see {@link FlowSnapshot#cancelRequestedAt()}). */
        public Builder cancelRequest(Instant at, String actor, String reason) {
            return set(RunField.CANCEL_REQUESTED_AT, at).set(RunField.CANCEL_ACTOR, actor).set(RunField.CANCEL_REASON,
                    reason);
        }

        /**
         * Builds the snapshot, copying the JSON nodes given.
         *
         * @throws io.flowstate.camel.support.InvalidIdentifierException when an id is missing or not valid
         */
        public FlowSnapshot build() {
            return new FlowSnapshot(this, true);
        }

        /** Without copying: for nodes nobody else holds (just decoded or merged). */
        FlowSnapshot buildShared() {
            return new FlowSnapshot(this, false);
        }
    }
}
