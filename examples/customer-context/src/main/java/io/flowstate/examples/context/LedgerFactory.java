package io.flowstate.examples.context;

import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.execution.FlowResourceFactory;

/**
 * Makes one {@link Ledger} per run: the component creates it on the run's first {@code flowstate:resource:ledger}
 * and closes it when the run completes, fails, suspends or sleeps.
 */
public class LedgerFactory implements FlowResourceFactory<Ledger> {

    @Override
    public Ledger create(FlowExecution run) {
        return new Ledger(run.getExecutionId());
    }
}
