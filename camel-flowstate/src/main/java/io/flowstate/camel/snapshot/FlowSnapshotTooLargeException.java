package io.flowstate.camel.snapshot;

import io.flowstate.camel.FlowStateException;

/**
 * A snapshot or delta is larger than the repository's {@code maxSnapshotSize}. Nothing was stored.
 */
public class FlowSnapshotTooLargeException extends FlowStateException {

    public FlowSnapshotTooLargeException(String message) {
        super(message);
    }
}
