package io.flowstate.camel.snapshot;

/**
 * Where a run is in its life; the value of header {@code CamelFlowStateStatus}.
 */
public enum FlowStatus {
    /** The run is being processed, by the node holding its lease. */
    RUNNING,
    /** The run waits for a resume (an approval step) or for its wake-up time; nothing of it is held in memory. */
    SUSPENDED,
    /** The run ended normally. */
    COMPLETED,
    /** The run ended with an unhandled exception. */
    FAILED,
    /** The run was stopped by {@code flowstate:cancel}; it runs no further step. */
    CANCELLED;

    /** Whether the run ended: COMPLETED, FAILED or CANCELLED. A finished run is never saved again. */
    public boolean isFinished() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
