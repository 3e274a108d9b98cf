package io.flowstate.camel.state;

import io.flowstate.camel.FlowStateException;

/**
 * A value given to the state cannot be represented as JSON (a connection, a client, a stream, a callback, a cyclic
 * object). Raised when the value is set, never later when a snapshot is written; the state is unchanged.
 */
public class UnsupportedValueException extends FlowStateException {

    public UnsupportedValueException(String message) {
        super(message);
    }

    public UnsupportedValueException(String message, Throwable cause) {
        super(message, cause);
    }
}
