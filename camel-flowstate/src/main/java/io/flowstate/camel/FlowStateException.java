package io.flowstate.camel;

import org.apache.camel.RuntimeCamelException;

/**
 * Base of every error the flowstate component raises. Messages name what was wrong (key, run, file, type) and what to
 * do about it; a failed call leaves stored state exactly as it was.
 */
public class FlowStateException extends RuntimeCamelException {

    public FlowStateException(String message) {
        super(message);
    }

    public FlowStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
