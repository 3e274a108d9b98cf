package io.flowstate.camel.snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.support.BusinessKeys;
import io.flowstate.camel.support.Identifiers;

/**
 * The fields of a stored run, written once: each with its name in the JSON document (of a snapshot, and of a delta
 * that replaces it), the column of the JDBC runs table that holds it as well (null when only the document does), its
 * type, the check every value passes, and whether a delta replaces it. {@link FlowSnapshot} keeps its values by field;
 * the codec, the deltas, their merge and the JDBC statements go through this list, so a new field is a constant here
 * (plus an accessor and a builder method for callers, and, for one with a column, a migration in the JDBC repository
 * that adds it). The order is the order of the fields in a snapshot document.
 */
public enum RunField {

    EXECUTION_ID("executionId", "execution_id", Type.TEXT, Use.REQUIRED, Identifiers::requireExecutionId),
    FLOW_ID("flowId", "flow_id", Type.TEXT, Use.REQUIRED, Identifiers::requireFlowId),
    /** The route the run started in, null when unknown. */
    ROUTE_ID("routeId", "route_id", Type.TEXT, Use.FIXED, name("route id")),
    STATUS("status", "status", Type.STATUS, Use.REQUIRED_REPLACED, status -> Objects.requireNonNull(status, "status")),
    /** 1 after the first save, +1 per save or delta; set by the repository. */
    VERSION("version", "version", Type.LONG, Use.REQUIRED, UnaryOperator.identity()),
    CREATED_AT("createdAt", "created_at", Type.INSTANT, Use.REQUIRED,
               (Instant createdAt) -> FlowSnapshot.micros(Objects.requireNonNull(createdAt, "createdAt"))),
    /** Defaults to createdAt in a snapshot; a delta's time in a delta. */
    UPDATED_AT("updatedAt", "updated_at", Type.INSTANT, Use.REQUIRED, FlowSnapshot::micros),
    /** The run's original input: {@code {"body": ..., "headers": {...}}}. */
    INPUT("input", null, Type.JSON, Use.FIXED, UnaryOperator.identity()),
    /** The execution-scope state, key to value; a delta changes it key by key. */
    STATE("state", null, Type.OBJECT, Use.FIXED, UnaryOperator.identity()),
    /** Step results, step key to value; a delta adds and replaces them. */
    RESULTS("results", null, Type.OBJECT, Use.FIXED, UnaryOperator.identity()),
    /** Keys of the steps done, in order; a delta appends to them. */
    COMPLETED_STEPS("completedSteps", null, Type.TEXT_LIST, Use.FIXED, names("completed step")),
    WAITING_FOR("waitingFor", "waiting_for", Type.TEXT, Use.REPLACED, name("waiting-for name")),
    WAKE_AT("wakeAt", "wake_at", Type.INSTANT, Use.REPLACED, FlowSnapshot::micros),
    RESUME_TOKEN_HASH("resumeTokenHash", null, Type.TEXT, Use.REPLACED, name("resume token hash")),
    RESOURCE_NAMES("resourceNames", null, Type.TEXT_LIST, Use.REPLACED, names("resource name")),
    LEASE_OWNER("leaseOwner", "lease_owner", Type.TEXT, Use.REPLACED, name("lease owner")),
    LEASE_EXPIRES_AT("leaseExpiresAt", "lease_expires_at", Type.INSTANT, Use.REPLACED, FlowSnapshot::micros),
    PARENT_EXECUTION_ID("parentExecutionId", "parent_execution_id", Type.TEXT, Use.FIXED,
                        id -> id == null ? null : Identifiers.requireExecutionId((String) id)),
    /** The context the run belongs to (header CamelFlowStateContextId), null when none. */
    CONTEXT_ID("contextId", null, Type.TEXT, Use.FIXED, id -> id == null ? null : Identifiers.requireKey((String) id)),
    /** Cut to {@link FlowSnapshot#MAX_FAILURE_LENGTH} characters. */
    FAILURE("failure", null, Type.TEXT, Use.REPLACED, failure -> FlowSnapshot.cutFailure((String) failure)),
    /** Who started the run (header CamelFlowStateActor at its start), null when not given. */
    STARTED_BY("startedBy", null, Type.TEXT, Use.FIXED, name("start actor")),
    /**
     * The approval steps answered: suspend NAME to {@code {"actor", "at", "timedOut"}}; null while none was. Replaced
     * whole by the claim that continues a suspended run.
     */
    APPROVALS("approvals", null, Type.JSON, Use.REPLACED, objectOrNull("approvals")),
    /**
     * What a resume of the suspend the run waits at must meet, when more than a token: {@code {"selfApproval": false,
     * "payloadSchema": "classpath:…"}}; null otherwise. Set by the suspend, cleared when the run continues.
     */
    APPROVAL_RULES("approvalRules", null, Type.JSON, Use.REPLACED, objectOrNull("approval rules")),
    /** 1 for the run's first attempt, +1 per restart; stored only from 2 on (absent means 1). */
        /**
     * The run's history: {@code {"counts": {TYPE: n}, "events": [...]}}, the last maxHistory events and the count of
     * every event ever written by type; a delta appends events to it (see {@link FlowSnapshotDelta#events()}).
     */
    HISTORY("history", null, Type.OBJECT, Use.FIXED, UnaryOperator.identity()),
    /** When flowstate:cancel asked the node running the run to stop it; null when nobody asked. */
    CANCEL_REQUESTED_AT("cancelRequestedAt", null, Type.INSTANT, Use.REPLACED, FlowSnapshot::micros),
    /** Who asked to cancel the run (header CamelFlowStateActor of flowstate:cancel), null when unknown. */
    CANCEL_ACTOR("cancelActor", null, Type.TEXT, Use.REPLACED, name("cancel actor")),
    /** Why the run is to be cancelled (header CamelFlowStateReason of flowstate:cancel), null when not given. */
    CANCEL_REASON("cancelReason", null, Type.TEXT, Use.REPLACED,
                  reason -> FlowSnapshot.cutFailure((String) reason)),
    /**
     * The run's business key (option businessKey of flowstate:start), null when none: at most one unfinished run per
     * flow and key.
     */
    BUSINESS_KEY("businessKey", "business_key", Type.TEXT, Use.FIXED,
                 key -> key == null ? null : BusinessKeys.require((String) key)),
    /** 1 for a run's first attempt, +1 per restart; stored only when above 1 (null stands for 1). */
    ATTEMPT("attempt", "attempt", Type.INT, Use.FIXED, FlowSnapshot::checkAttempt);

    /** The Java type of a field's values; the codec and the JDBC statements read and write by type. */
    public enum Type {
        /** A String. */
        TEXT,
        /** A {@code FlowStatus}, stored by name. */
        STATUS,
        /** A Long. */
        LONG,
        /** An Integer, absent when null. */
        INT,
        /** An Instant, to the microsecond, stored as ISO-8601 text or a TIMESTAMP WITH TIME ZONE. */
        INSTANT,
        /** Any JSON node (the input; absent optional objects are null). */
        JSON,
        /** A JSON object. */
        OBJECT,
        /** A list of Strings. */
        TEXT_LIST
    }

    /** Whether every stored run has the field, and whether a delta replaces it (null clears it). */
    private enum Use {
        REQUIRED(true, false),
        REQUIRED_REPLACED(true, true),
        FIXED(false, false),
        REPLACED(false, true);

        private final boolean required;
        private final boolean replaced;

        Use(boolean required, boolean replaced) {
            this.required = required;
            this.replaced = replaced;
        }
    }

    private final String jsonName;
    private final String column;
    private final Type type;
    private final Use use;
    private final UnaryOperator<Object> check;

    @SuppressWarnings("unchecked")
    <T> RunField(String jsonName, String column, Type type, Use use, UnaryOperator<T> check) {
        this.jsonName = jsonName;
        this.column = column;
        this.type = type;
        this.use = use;
        this.check = (UnaryOperator<Object>) check;
    }

    /** The field's name in a snapshot or delta document. */
    public String jsonName() {
        return jsonName;
    }

    /** The column of the JDBC runs table that holds the field too, null when only the document holds it. */
    public String column() {
        return column;
    }

    public Type type() {
        return type;
    }

    /** Whether every stored run has a value for it (a document without it is corrupt). */
    public boolean required() {
        return use.required;
    }

    /** Whether a {@link FlowSnapshotDelta} replaces it as a whole. */
    public boolean replacedByDeltas() {
        return use.replaced;
    }

    /**
     * The value as stored: checked (ids, name lengths, required values) and normalized (instants to the microsecond,
     * failures cut, lists copied).
     *
     * @throws IllegalArgumentException or {@link io.flowstate.camel.support.InvalidIdentifierException} when not valid
     * @throws NullPointerException     when a required value is missing
     */
    Object check(Object value) {
        return check.apply(value);
    }

    private static UnaryOperator<String> name(String what) {
        return value -> FlowSnapshot.checkName(what, value);
    }

    /** A JSON object, or null for none (a JSON null too, as a delta clears it). */
    private static UnaryOperator<JsonNode> objectOrNull(String what) {
        return node -> {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                throw new IllegalArgumentException(
                        "The " + what + " of a run must be a JSON object, not " + node.getNodeType());
            }
            return node;
        };
    }

    private static UnaryOperator<Collection<String>> names(String what) {
        return names -> {
            if (names == null || names.isEmpty()) {
                return List.of();
            }
            List<String> copy = new ArrayList<>(names.size());
            for (String name : names) {
                copy.add(FlowSnapshot.checkName(what, Objects.requireNonNull(name, what)));
            }
            return List.copyOf(copy);
        };
    }
}
