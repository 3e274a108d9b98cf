package io.flowstate.camel.resource;

import io.flowstate.camel.FlowStateException;

/**
 * The factory of a managed resource failed (threw, or gave null). The message names the resource, the run and the
 * cause; the run fails like on any other error of its step, and nothing of the resource is held by the run.
 */
public class ResourceCreationException extends FlowStateException {

    public ResourceCreationException(String message, Throwable cause) {
        super(message, cause);
    }
}
