package io.flowstate.camel.support;

import io.flowstate.camel.FlowStateException;

/**
 * A key, flow id, execution id or path was rejected before it reached a file path, SQL or the state.
 */
public class InvalidIdentifierException extends FlowStateException {

    public InvalidIdentifierException(String message) {
        super(message);
    }
}
