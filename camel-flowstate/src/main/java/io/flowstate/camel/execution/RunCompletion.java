package io.flowstate.camel.execution;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.flowstate.camel.snapshot.FlowStatus;

/**
 * Finishes a saved run when the exchange that carries it ends: COMPLETED, or FAILED with the exception's message. A
 * run that was never saved leaves nothing behind; a suspended or already finished run is left as it is.
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
