package io.flowstate.camel.snapshot;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    private final String executionId;
    private final String flowId;
    private final String routeId;
    private final FlowStatus status;
    private final long version;
    private final Instant createdAt;
    private final Instant updatedAt;
    private final JsonNode input;
    private final ObjectNode state;
    private final ObjectNode results;
    private final List<String> completedSteps;
    private final String waitingFor;
    private final Instant wakeAt;
    private final String resumeTokenHash;
    private final List<String> resourceNames;
    private final String leaseOwner;
    private final Instant leaseExpiresAt;
    private final String parentExecutionId;
    private final String contextId;
    private final String failure;

    private FlowSnapshot(Builder b, boolean copyJson) {
        this.executionId = Identifiers.requireExecutionId(b.executionId);
        this.flowId = Identifiers.requireFlowId(b.flowId);
        this.routeId = checkName("route id", b.routeId);
        this.status = Objects.requireNonNull(b.status, "status");
        if (b.version < 0) {
            throw new IllegalArgumentException("The version of run " + executionId + " is negative: " + b.version);
        }
        this.version = b.version;
        this.createdAt = micros(Objects.requireNonNull(b.createdAt, "createdAt"));
        this.updatedAt = b.updatedAt == null ? this.createdAt : micros(b.updatedAt);
        JsonNode in = b.input == null ? defaultInput() : b.input;
        ObjectNode st = b.state == null ? JsonNodeFactory.instance.objectNode() : b.state;
        ObjectNode res = b.results == null ? JsonNodeFactory.instance.objectNode() : b.results;
        this.input = copyJson ? in.deepCopy() : in;
        this.state = copyJson ? st.deepCopy() : st;
        this.results = copyJson ? res.deepCopy() : res;
        this.completedSteps = copyNames("completed step", b.completedSteps);
        this.waitingFor = checkName("waiting-for name", b.waitingFor);
        this.wakeAt = micros(b.wakeAt);
        this.resumeTokenHash = checkName("resume token hash", b.resumeTokenHash);
        this.resourceNames = copyNames("resource name", b.resourceNames);
        this.leaseOwner = checkName("lease owner", b.leaseOwner);
        this.leaseExpiresAt = micros(b.leaseExpiresAt);
        this.parentExecutionId
                = b.parentExecutionId == null ? null : Identifiers.requireExecutionId(b.parentExecutionId);
        this.contextId = b.contextId == null ? null : Identifiers.requireKey(b.contextId);
        this.failure = cutFailure(b.failure);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this snapshot's values; JSON nodes are copied again when it builds. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.executionId = executionId;
        b.flowId = flowId;
        b.routeId = routeId;
        b.status = status;
        b.version = version;
        b.createdAt = createdAt;
        b.updatedAt = updatedAt;
        b.input = input;
        b.state = state;
        b.results = results;
        b.completedSteps = new ArrayList<>(completedSteps);
        b.waitingFor = waitingFor;
        b.wakeAt = wakeAt;
        b.resumeTokenHash = resumeTokenHash;
        b.resourceNames = new ArrayList<>(resourceNames);
        b.leaseOwner = leaseOwner;
        b.leaseExpiresAt = leaseExpiresAt;
        b.parentExecutionId = parentExecutionId;
        b.contextId = contextId;
        b.failure = failure;
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
        return executionId;
    }

    public String flowId() {
        return flowId;
    }

    /** The route the run started in, null when unknown. */
    public String routeId() {
        return routeId;
    }

    public FlowStatus status() {
        return status;
    }

    /** The stored version: 1 after the first save, +1 per save or delta. Set by the repository. */
    public long version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    /** The run's original input: {@code {"body": ..., "headers": {...}}}. */
    public JsonNode input() {
        return input;
    }

    /** The execution-scope state, key to value. */
    public ObjectNode state() {
        return state;
    }

    /** Step results, step key to the body the step ended with. */
    public ObjectNode results() {
        return results;
    }

    /** Keys of the steps already done, in the order they completed. */
    public List<String> completedSteps() {
        return completedSteps;
    }

    /** The name of the suspend step the run waits at, null when it waits for nothing. */
    public String waitingFor() {
        return waitingFor;
    }

    /** When a SUSPENDED run continues by itself (suspend timeout, durable sleep), null for never. */
    public Instant wakeAt() {
        return wakeAt;
    }

    /** Hash of the resume token, null when the run cannot be resumed by a token. */
    public String resumeTokenHash() {
        return resumeTokenHash;
    }

    /** Names of the live resources the run used; restore checks they can be resolved. */
    public List<String> resourceNames() {
        return resourceNames;
    }

    /** The node that holds the run while it is RUNNING, null when none. */
    public String leaseOwner() {
        return leaseOwner;
    }

    /** When the lease ends unless renewed, null when there is no lease. */
    public Instant leaseExpiresAt() {
        return leaseExpiresAt;
    }

    public String parentExecutionId() {
        return parentExecutionId;
    }

    /** The context the run belongs to (header CamelFlowStateContextId), null when none. */
    public String contextId() {
        return contextId;
    }

    /** The failure message of a FAILED run, null otherwise. */
    public String failure() {
        return failure;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FlowSnapshot)) {
            return false;
        }
        FlowSnapshot s = (FlowSnapshot) o;
        return version == s.version && executionId.equals(s.executionId) && flowId.equals(s.flowId)
                && Objects.equals(routeId, s.routeId) && status == s.status && createdAt.equals(s.createdAt)
                && updatedAt.equals(s.updatedAt) && input.equals(s.input) && state.equals(s.state)
                && results.equals(s.results) && completedSteps.equals(s.completedSteps)
                && Objects.equals(waitingFor, s.waitingFor) && Objects.equals(wakeAt, s.wakeAt)
                && Objects.equals(resumeTokenHash, s.resumeTokenHash) && resourceNames.equals(s.resourceNames)
                && Objects.equals(leaseOwner, s.leaseOwner) && Objects.equals(leaseExpiresAt, s.leaseExpiresAt)
                && Objects.equals(parentExecutionId, s.parentExecutionId) && Objects.equals(contextId, s.contextId)
                && Objects.equals(failure, s.failure);
    }

    @Override
    public int hashCode() {
        return Objects.hash(executionId, version, status);
    }

    /** Ids, status and version only: state and input may hold personal or secret data, so they are never printed. */
    @Override
    public String toString() {
        return "FlowSnapshot[executionId=" + executionId + ", flowId=" + flowId + ", status=" + status + ", version="
               + version + "]";
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

    static String cutFailure(String failure) {
        if (failure == null || failure.length() <= MAX_FAILURE_LENGTH) {
            return failure;
        }
        return failure.substring(0, MAX_FAILURE_LENGTH - 3) + "...";
    }

    private static List<String> copyNames(String what, Collection<String> names) {
        if (names == null || names.isEmpty()) {
            return List.of();
        }
        List<String> copy = new ArrayList<>(names.size());
        for (String name : names) {
            copy.add(checkName(what, Objects.requireNonNull(name, what)));
        }
        return List.copyOf(copy);
    }

    /** Builds a {@link FlowSnapshot}; execution id, flow id, status and createdAt are required. */
    public static final class Builder {
        private String executionId;
        private String flowId;
        private String routeId;
        private FlowStatus status = FlowStatus.RUNNING;
        private long version;
        private Instant createdAt;
        private Instant updatedAt;
        private JsonNode input;
        private ObjectNode state;
        private ObjectNode results;
        private List<String> completedSteps;
        private String waitingFor;
        private Instant wakeAt;
        private String resumeTokenHash;
        private List<String> resourceNames;
        private String leaseOwner;
        private Instant leaseExpiresAt;
        private String parentExecutionId;
        private String contextId;
        private String failure;

        private Builder() {
        }

        public Builder executionId(String executionId) {
            this.executionId = executionId;
            return this;
        }

        public Builder flowId(String flowId) {
            this.flowId = flowId;
            return this;
        }

        public Builder routeId(String routeId) {
            this.routeId = routeId;
            return this;
        }

        public Builder status(FlowStatus status) {
            this.status = status;
            return this;
        }

        /** Informational when saving: the repository stores {@code expectedVersion + 1}. */
        public Builder version(long version) {
            this.version = version;
            return this;
        }

        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /** Defaults to createdAt. */
        public Builder updatedAt(Instant updatedAt) {
            this.updatedAt = updatedAt;
            return this;
        }

        /** Defaults to {@code {"body": null, "headers": {}}}. */
        public Builder input(JsonNode input) {
            this.input = input;
            return this;
        }

        public Builder state(ObjectNode state) {
            this.state = state;
            return this;
        }

        public Builder results(ObjectNode results) {
            this.results = results;
            return this;
        }

        public Builder completedSteps(Collection<String> completedSteps) {
            this.completedSteps = completedSteps == null ? null : new ArrayList<>(completedSteps);
            return this;
        }

        public Builder waitingFor(String waitingFor) {
            this.waitingFor = waitingFor;
            return this;
        }

        public Builder wakeAt(Instant wakeAt) {
            this.wakeAt = wakeAt;
            return this;
        }

        public Builder resumeTokenHash(String resumeTokenHash) {
            this.resumeTokenHash = resumeTokenHash;
            return this;
        }

        public Builder resourceNames(Collection<String> resourceNames) {
            this.resourceNames = resourceNames == null ? null : new ArrayList<>(resourceNames);
            return this;
        }

        public Builder leaseOwner(String leaseOwner) {
            this.leaseOwner = leaseOwner;
            return this;
        }

        public Builder leaseExpiresAt(Instant leaseExpiresAt) {
            this.leaseExpiresAt = leaseExpiresAt;
            return this;
        }

        public Builder parentExecutionId(String parentExecutionId) {
            this.parentExecutionId = parentExecutionId;
            return this;
        }

        public Builder contextId(String contextId) {
            this.contextId = contextId;
            return this;
        }

        /** Cut to {@link #MAX_FAILURE_LENGTH} characters. */
        public Builder failure(String failure) {
            this.failure = failure;
            return this;
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
