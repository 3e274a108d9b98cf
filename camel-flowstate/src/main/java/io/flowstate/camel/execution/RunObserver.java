package io.flowstate.camel.execution;

import java.time.Duration;
import java.time.Instant;

import io.flowstate.camel.snapshot.FlowStatus;

/**
 * Told what happens to runs on this node, for health checks, consoles and metrics. Called on the thread that moved the
 * run, after the move was stored; an observer must be quick and must not throw (what it throws is logged and
 * ignored). Every method does nothing by default.
 */
public interface RunObserver {

    /** A new run began (not yet saved; an inner run too). */
    default void started(FlowExecution run) {
    }

    /** A save of the run was stored, taking {@code took}. */
    default void checkpointed(FlowExecution run, Duration took) {
    }

    /** A save of the run was refused because the stored version had moved on (another node, or a stale copy). */
    default void conflicted(FlowExecution run) {
    }

    /**
     * A compare-and-set write of a stored value (a delete of a persistent or global state key, a context, a
     * {@code flowstate:changes} watermark) met a concurrent write of the same key; it is read and tried again, up to
     * {@link io.flowstate.camel.state.ConflictRetries#MAX_ATTEMPTS} attempts. A set, increment or append of a persistent
     * or global key never conflicts: it is one atomic update of the repository.
     */
    default void valueConflicted() {
    }

    /** The run was saved SUSPENDED: waiting for a resume, a wake-up time or its inner run. */
    default void suspended(FlowExecution run, String waitingFor) {
    }

    /** The run was saved COMPLETED, FAILED or CANCELLED. */
    default void finished(FlowExecution run, FlowStatus status) {
    }

    /** A stored run continues on this node, claimed at its stored version. */
    default void continued(FlowExecution run, Continuation how) {
    }

    /**
     * A FAILED run was claimed to run again as attempt {@code attempt} ({@code flowstate:restart}), before its route is
     * re-entered.
     *
     * @param fromStep the step (or {@code id[i]}) it runs again from as given, null for the step that failed
     * @param actor    header CamelFlowStateActor of the restart, or null
     */
    default void restarted(FlowExecution run, String fromStep, int attempt, String actor) {
    }

    /** A {@code flowstate:resume} call returned (the run went on to its end or next wait), taking {@code took}. */
    default void resumed(String flowId, Duration took) {
    }

    /** A maintenance pass ended: {@code failure} is null when it completed. */
    default void maintenancePassEnded(Instant startedAt, Duration took, int continued, int removed, Exception failure) {
    }

    /** Why a stored run continues here. */
    enum Continuation {
        /** flowstate:resume with the run's token. */
        RESUMED,
        /** A suspend's timeout passed. */
        TIMED_OUT,
        /** A sleep's time passed. */
        WOKE,
        /** Its node's lease expired: taken over after a crash or stall. */
        RECOVERED
    }
}
