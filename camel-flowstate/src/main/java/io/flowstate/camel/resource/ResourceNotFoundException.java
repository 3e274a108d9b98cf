package io.flowstate.camel.resource;

import io.flowstate.camel.FlowStateException;

/**
 * A resource a run requires cannot be found: not among the run's own resources, not among its flow's, not in the Camel
 * registry. The message names the resource, where it was looked for and the names that are available.
 */
public class ResourceNotFoundException extends FlowStateException {

    public ResourceNotFoundException(String message) {
        super(message);
    }
}
