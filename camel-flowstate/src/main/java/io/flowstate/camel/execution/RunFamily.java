package io.flowstate.camel.execution;

import java.util.Map;

/**
 * A run's place among inner runs: the run it is an inner flow of (in memory, while the inner flow's route runs), the
 * ids of the inner runs it starts, and the resume signals passed down to them.
 */
final class RunFamily {

    private final String executionId;
    private final Object lock = new Object();
    // guarded by lock
    /** The run this one is an inner flow of, or null. */
    private FlowExecution parentRun;
    /** Inner runs started so far, by flow and iteration: the n-th start gets the same id on every re-entry. */
    private Map<String, Integer> childStarts;
    /** Signals for inner runs resumed through this (root) run, by inner run id; shared down the chain. */
    private Map<String, ResumeSignal> childSignals;

    RunFamily(String executionId) {
        this.executionId = executionId;
    }

    FlowExecution getParentRun() {
        synchronized (lock) {
            return parentRun;
        }
    }

    void setParentRun(FlowExecution parent) {
        Map<String, ResumeSignal> signals = parent.family().childSignals();
        synchronized (lock) {
            this.parentRun = parent;
            this.childSignals = signals;
        }
    }

    Map<String, ResumeSignal> childSignals() {
        synchronized (lock) {
            if (childSignals == null) {
                childSignals = new java.util.concurrent.ConcurrentHashMap<>(); // most runs have no inner flow
            }
            return childSignals;
        }
    }

    /**
     * The id of the next inner run of flow {@code childFlowId} started from this run at {@code place} (the iterations
     * the exchange is in): derived from this run's id, so re-entering the route after a crash or a resume finds the
     * same inner run again instead of starting another.
     */
    String nextChildId(String childFlowId, String place) {
        synchronized (lock) {
            String slot = childFlowId + "/" + place;
            if (childStarts == null) {
                childStarts = new java.util.HashMap<>();
            }
            int n = childStarts.merge(slot, 1, Integer::sum);
            byte[] name = (executionId + "/" + slot + "/" + n).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return java.util.UUID.nameUUIDFromBytes(name).toString();
        }
    }
}
