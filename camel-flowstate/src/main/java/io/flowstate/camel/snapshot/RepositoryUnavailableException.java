package io.flowstate.camel.snapshot;

import io.flowstate.camel.FlowStateException;

/**
 * The repository itself failed (its database connection was lost, or the database could not be reached), not the flow
 * nor a compare-and-set: whether the write that failed was committed is unknown. A run that meets it is not FAILED: it
 * stays RUNNING as stored, and recovery continues it from there once its lease has expired.
 */
public class RepositoryUnavailableException extends FlowStateException {

    public RepositoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
