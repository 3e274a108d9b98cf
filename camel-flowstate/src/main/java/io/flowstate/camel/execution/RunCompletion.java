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
 * except when the repository itself failed (a lost connection): the run stays RUNNING for recovery. A run that was
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
        RepositoryUnavailableException lost = ObjectHelper.getException(RepositoryUnavailableException.class, cause);
        if (lost != null && run.getStatus() == FlowStatus.RUNNING) {
            // the repository failed, not the flow: what it stored last is the run, and recovery continues it there
            LOG.warn("Run {} of flow '{}' stops on this node and stays RUNNING: the repository failed ({}). Recovery"
                     + " continues it from its last stored checkpoint once its lease has expired.",
                    run.getExecutionId(), run.getFlowId(), lost.getMessage());
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
        } catch (RuntimeException e) {
            // the exchange is over: nobody to fail; the run keeps its lease and recovery will take it over
            LOG.warn("Could not mark run {} of flow '{}' {}: {}", run.getExecutionId(), run.getFlowId(), status,
                    e.getMessage(), e);
        }
    }
}
