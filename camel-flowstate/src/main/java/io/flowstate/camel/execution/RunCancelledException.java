package io.flowstate.camel.execution;

import io.flowstate.camel.FlowStateException;

/**
 * A run this node was running was cancelled ({@code flowstate:cancel}): it is stored CANCELLED and runs no further
 * step. Thrown by the save that met the cancel; the step that was saving stops the route instead of failing it.
 */
public class RunCancelledException extends FlowStateException {

    private static final long serialVersionUID = 1L;

    private final transient FlowExecution run;
    private final boolean cancelledHere;
    private final String actor;
    private final String reason;

    RunCancelledException(FlowExecution run, boolean cancelledHere, String actor, String reason) {
        super("Run " + run.getExecutionId() + " of flow '" + run.getFlowId() + "' was cancelled (flowstate:cancel): it"
              + " is CANCELLED and runs no further step.");
        this.run = run;
        this.cancelledHere = cancelledHere;
        this.actor = actor;
        this.reason = reason;
    }

    /** Who cancelled the run, when known. */
    public String getActor() {
        return actor;
    }

    /** Why, when given. */
    public String getReason() {
        return reason;
    }

    /** The cancelled run. */
    public FlowExecution getRun() {
        return run;
    }

    /** Whether this node ended the run CANCELLED (then its onCancel route runs here), not another node before. */
    boolean isCancelledHere() {
        return cancelledHere;
    }
}
