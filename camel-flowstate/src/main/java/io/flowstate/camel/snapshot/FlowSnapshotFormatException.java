package io.flowstate.camel.snapshot;

import io.flowstate.camel.FlowStateException;

/**
 * A stored snapshot could not be read: corrupt or truncated, too large, or written in a newer format than this version
 * reads. The message names the run and where it is stored; nothing stored was changed.
 */
public class FlowSnapshotFormatException extends FlowStateException {

    public FlowSnapshotFormatException(String message) {
        super(message);
    }

    public FlowSnapshotFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
