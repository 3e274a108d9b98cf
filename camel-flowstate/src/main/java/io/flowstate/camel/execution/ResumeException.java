package io.flowstate.camel.execution;

import io.flowstate.camel.FlowStateException;

/**
 * A resume was refused; the stored run is unchanged. Subclasses tell why, so routes can react to each case (e.g.
 * reply 403 or 409 over HTTP with {@code onException}). The expected refusals ({@link InvalidToken}, {@link NotSuspended},
 * {@link SelfApproval}, {@link InvalidPayload}) carry no stack trace: where a route does not handle them, Camel's error
 * handler logs one line, not a trace.
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

    /**
     * The approval step has {@code selfApproval=false} and the resume's actor (header CamelFlowStateActor) started the
     * run: someone else must answer. The run stays SUSPENDED and its token valid.
     */
    public static class SelfApproval extends ResumeException {
        public SelfApproval(String message) {
            super(message);
        }

        /** An expected refusal, answered to the caller: a stack trace would only fill the log. */
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * The resume payload does not match the approval step's {@code payloadSchema}; the message names the failing
     * paths. The run stays SUSPENDED and its token valid.
     */
    public static class InvalidPayload extends ResumeException {
        public InvalidPayload(String message) {
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
