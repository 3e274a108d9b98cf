package io.flowstate.camel.execution;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Who answered a run's approval steps: suspend NAME to {@code {"actor": …, "at": "…", "timedOut": …}}, as the
 * {@code flowstate} language reads it ({@code .approvals.NAME}). Stored with the claim that continues the run (see
 * {@link FlowReentry}), so the record and the move to RUNNING are one write. Thread-safe.
 */
public final class RunApprovals {

    private final Object lock = new Object();
    // guarded by lock
    private final ObjectNode approvals;

    RunApprovals(ObjectNode stored) {
        this.approvals = stored == null ? JsonNodeFactory.instance.objectNode() : stored.deepCopy();
    }

    /** One answer: the actor (null when none was given, or on timeout), when, and whether the timeout gave it. */
    static ObjectNode record(String actor, Instant at, boolean timedOut) {
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        if (actor == null) {
            record.putNull("actor");
        } else {
            record.put("actor", actor);
        }
        record.put("at", at.toString());
        record.put("timedOut", timedOut);
        return record;
    }

    /** {@code stored}'s approvals (null for none) with {@code record} added under {@code name}. */
    static ObjectNode with(ObjectNode stored, String name, ObjectNode record) {
        ObjectNode all = stored == null ? JsonNodeFactory.instance.objectNode() : stored.deepCopy();
        all.set(name, record);
        return all;
    }

    void put(String name, JsonNode record) {
        synchronized (lock) {
            approvals.set(name, record.deepCopy());
        }
    }

    /** A copy: changing it changes nothing. */
    public ObjectNode tree() {
        synchronized (lock) {
            return approvals.deepCopy();
        }
    }
}
