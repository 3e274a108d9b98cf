package io.flowstate.camel.state;

import io.flowstate.camel.FlowStateException;

/**
 * A write of one stored key (a persistent or global value, a watermark, a context) conflicted with concurrent writes of
 * the same key on every attempt, so it gave up. Nothing was changed by the call; trying again later may succeed.
 */
public class ContendedKeyException extends FlowStateException {

    public ContendedKeyException(String message) {
        super(message);
    }
}
