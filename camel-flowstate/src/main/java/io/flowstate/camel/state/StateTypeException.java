package io.flowstate.camel.state;

import io.flowstate.camel.FlowStateException;

/**
 * A value does not fit where it is written: {@code increment} on a non-number, {@code append} on a non-list, or typed
 * state rejecting an unknown key or a value of the wrong type. The state is unchanged.
 */
public class StateTypeException extends FlowStateException {

    public StateTypeException(String message) {
        super(message);
    }

    public StateTypeException(String message, Throwable cause) {
        super(message, cause);
    }
}
