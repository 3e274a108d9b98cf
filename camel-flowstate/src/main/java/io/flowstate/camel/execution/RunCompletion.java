package io.flowstate.camel.execution;

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

    RunCompletion(FlowExecution run, RunTransitions transitions) {
        this.run = run;
        this.transitions = transitions;
    }

    @Override
    public void onComplete(Exchange exchange) {
        finish(FlowStatus.COMPLETED, null);
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
        finish(FlowStatus.FAILED, cause == null ? "failed" : cause.getClass().getName() + ": " + cause.getMessage());
    }

    private void finish(FlowStatus status, String failure) {
        if (run.getStatus() != FlowStatus.RUNNING) {
            return;
        }
        try {
            transitions.finish(run, status, failure);
        } catch (RunCancelledException e) {
            LOG.debug("Run {} was cancelled before it could end {}", run.getExecutionId(), status);
        } catch (RuntimeException e) {
            // the exchange is over: nobody to fail; the run keeps its lease and recovery will take it over
            LOG.warn("Could not mark run {} of flow '{}' {}: {}", run.getExecutionId(), run.getFlowId(), status,
                    e.getMessage(), e);
        }
    }
}
