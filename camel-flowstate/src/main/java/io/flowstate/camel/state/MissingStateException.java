package io.flowstate.camel.state;

import io.flowstate.camel.FlowStateException;

/**
 * {@code flowstate:get:KEY?required=true} found no value under the key.
 */
public class MissingStateException extends FlowStateException {

    public MissingStateException(String message) {
        super(message);
    }
}
