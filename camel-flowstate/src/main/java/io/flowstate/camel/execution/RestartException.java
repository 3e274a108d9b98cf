package io.flowstate.camel.execution;

import io.flowstate.camel.FlowStateException;

/**
 * A restart was refused (the run's status, a step it does not have, a concurrent restart); the stored run is unchanged.
 * An expected refusal, answered to the caller: it carries no stack trace, so a route that does not handle it logs one
 * line.
 */
public class RestartException extends FlowStateException {

    public RestartException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
