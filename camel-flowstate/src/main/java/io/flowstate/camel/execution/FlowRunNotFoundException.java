package io.flowstate.camel.execution;

import io.flowstate.camel.FlowStateException;

/**
 * No run with the given execution id is stored: it was never saved, or retention removed it.
 */
public class FlowRunNotFoundException extends FlowStateException {

    public FlowRunNotFoundException(String message) {
        super(message);
    }
}
