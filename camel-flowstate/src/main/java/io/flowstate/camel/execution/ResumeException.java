package io.flowstate.camel.execution;

import io.flowstate.camel.FlowStateException;

/**
 * A resume was refused; the stored run is unchanged. Subclasses tell why, so routes can react to each case (e.g.
 * reply 403 or 409 over HTTP with {@code onException}). The expected refusals ({@link InvalidToken}, {@link NotSuspended})
 * carry no stack trace: where a route does not handle them, Camel's error handler logs one line, not a trace.
 */
public class ResumeException extends FlowStateException {

    public ResumeException(String message) {
        super(message);
    }

    public ResumeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The resume token does not match the run's. */
    public static class InvalidToken extends ResumeException {
        public InvalidToken(String message) {
            super(message);
        }

        /** An expected refusal, answered to the caller: a stack trace would only fill the log. */
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** The run is not SUSPENDED: running, finished, or resumed already (also by a concurrent resume). */
    public static class NotSuspended extends ResumeException {
        public NotSuspended(String message) {
            super(message);
        }

        /** An expected refusal, answered to the caller: a stack trace would only fill the log. */
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** The run's route does not exist in this CamelContext. */
    public static class RouteNotFound extends ResumeException {
        public RouteNotFound(String message) {
            super(message);
        }
    }

    /** A step the run completed no longer exists: the route changed since the run suspended. */
    public static class RouteChanged extends ResumeException {
        public RouteChanged(String message) {
            super(message);
        }
    }
}
