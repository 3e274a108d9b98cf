package io.flowstate.camel.snapshot;

import io.flowstate.camel.FlowStateException;

/**
 * A save, put or delete presented a version that is no longer the stored one: someone else wrote first. Nothing was
 * changed; read again and retry (the component does so itself for {@code increment} and {@code append}).
 */
public class FlowSnapshotConflictException extends FlowStateException {

    public FlowSnapshotConflictException(String message) {
        super(message);
    }
}
