package io.flowstate.camel.execution;

import io.flowstate.camel.FlowStateException;

/**
 * A run of a context (header CamelFlowStateContextId) was started while another run of that context is running or
 * suspended. The message names the context and the active run; nothing was started or changed.
 */
public class FlowContextBusyException extends FlowStateException {

    public FlowContextBusyException(String message) {
        super(message);
    }
}
