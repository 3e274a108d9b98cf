package io.flowstate.camel.execution;

import io.flowstate.camel.FlowStateException;

/** flowstate:cancel of a run that is finished already (COMPLETED, FAILED or CANCELLED): nothing was changed. */
public class RunNotCancellableException extends FlowStateException {

    private static final long serialVersionUID = 1L;

    public RunNotCancellableException(String message) {
        super(message);
    }
}
