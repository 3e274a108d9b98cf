package io.flowstate.camel.execution;

import io.flowstate.camel.FlowStateException;

/**
 * An approval step with {@code onTimeout=fail} was not answered in time: the run ends FAILED with this message. The
 * step's timeout is its expected end, so no stack trace is kept.
 */
public class ApprovalTimeoutException extends FlowStateException {

    public ApprovalTimeoutException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
