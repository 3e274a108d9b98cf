package io.flowstate.camel.execution;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.RepositoryUnavailableException;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes a saved run when the exchange that carries it ends: COMPLETED, or FAILED with the exception's message,
 * except when the repository itself failed (a lost connection) or this node's lease on the run lapsed: the run stays
 * RUNNING as stored, for recovery. A run that was
 * never saved leaves nothing behind; a suspended or already finished run is left as it is.
 */
final class RunCompletion extends SynchronizationAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RunCompletion.class);

    private final FlowExecution run;
    private final RunTransitions transitions;
    /** Its write records the run's last step too, whose own checkpoint was left to it. */
    private volatile boolean recordsLastStep;

    RunCompletion(FlowExecution run, RunTransitions transitions) {
        this.run = run;
        this.transitions = transitions;
    }

    /** See {@link FlowExecutions#leaveCheckpointToCompletion}. */
    void recordsLastStep() {
        this.recordsLastStep = true;
    }

    @Override
    public void onComplete(Exchange exchange) {
        finish(exchange, FlowStatus.COMPLETED, null);
    }

    @Override
    public void onFailure(Exchange exchange) {
        Exception cause = exchange.getException();
        Exception notTheFlows = ObjectHelper.getException(RepositoryUnavailableException.class, cause);
        if (notTheFlows == null) {
            notTheFlows = ObjectHelper.getException(LeaseLapsedException.class, cause);
        }
        if (notTheFlows != null && run.getStatus() == FlowStatus.RUNNING) {
            // the repository failed, or the run may be another node's now: not the flow's error; what was stored last
            // is the run, and whoever holds it (or recovery) continues it there
            LOG.warn("Run {} of flow '{}' stops on this node and is left RUNNING as stored for recovery: {}",
                    run.getExecutionId(), run.getFlowId(), notTheFlows.getMessage());
            transitions.leaveForRecovery(run);
            return;
        }
        finish(exchange, FlowStatus.FAILED,
                cause == null ? "failed" : cause.getClass().getName() + ": " + cause.getMessage());
    }

    private void finish(Exchange exchange, FlowStatus status, String failure) {
        if (run.getStatus() != FlowStatus.RUNNING) {
            return;
        }
        try {
            transitions.finish(run, status, failure);
        } catch (RunCancelledException e) {
            LOG.debug("Run {} was cancelled before it could end {}", run.getExecutionId(), status);
            if (recordsLastStep) {
                // as when the step's own checkpoint meets the cancel: the reply tells the status
                exchange.getMessage().setHeader(FlowStateConstants.STATUS, FlowStatus.CANCELLED);
            }
        } catch (RuntimeException e) {
            // the run keeps its lease and recovery will take it over
            LOG.warn("Could not mark run {} of flow '{}' {}{}: {}", run.getExecutionId(), run.getFlowId(), status,
                    recordsLastStep ? " with its last step (stored as before that step; recovery runs it again)" : "",
                    e.getMessage(), e);
            if (recordsLastStep && exchange.getException() == null) {
                // this write was also the last step's checkpoint: as with a failed checkpoint, the exchange fails with
                // the repository's error (its caller must not take the step as recorded); recovery runs the step again
                exchange.setException(e);
            }
        }
    }
}
