package io.flowstate.camel.execution;

import io.flowstate.camel.FlowStateException;

/**
 * A step of a running run was about to start on this node after this node's lease on the run had lapsed (the process
 * was paused, or could not renew it): another node may have taken the run over, so this node starts no further step
 * of it. The run is not FAILED: it stays as stored, continued by whoever holds it, or by recovery.
 */
public class LeaseLapsedException extends FlowStateException {

    public LeaseLapsedException(String message) {
        super(message);
    }
}
