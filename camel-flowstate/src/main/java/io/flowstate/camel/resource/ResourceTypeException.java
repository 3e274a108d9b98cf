package io.flowstate.camel.resource;

import io.flowstate.camel.FlowStateException;

/**
 * A resource was found but is not of the type the caller of {@code requireResource(name, type)} asked for.
 */
public class ResourceTypeException extends FlowStateException {

    public ResourceTypeException(String message) {
        super(message);
    }
}
