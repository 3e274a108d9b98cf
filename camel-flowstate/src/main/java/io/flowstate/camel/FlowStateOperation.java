package io.flowstate.camel;

import java.util.Arrays;
import java.util.List;

import io.flowstate.camel.support.Identifiers;

/**
 * The operations of {@code flowstate:OPERATION[:KEY]}, in the order the documentation lists them. Each is written as
 * its {@link #toString()}, the constant of {@link FlowStateConstants} the producer's handlers are keyed on.
 */
public enum FlowStateOperation {
    GET(FlowStateConstants.OPERATION_GET, UriKey.STATE_KEY),
    SET(FlowStateConstants.OPERATION_SET, UriKey.STATE_KEY),
    APPEND(FlowStateConstants.OPERATION_APPEND, UriKey.STATE_KEY),
    INCREMENT(FlowStateConstants.OPERATION_INCREMENT, UriKey.STATE_KEY),
    DELETE(FlowStateConstants.OPERATION_DELETE, UriKey.STATE_KEY),
    GET_ALL(FlowStateConstants.OPERATION_GET_ALL, UriKey.NONE),
    CLEAR(FlowStateConstants.OPERATION_CLEAR, UriKey.NONE),
    START(FlowStateConstants.OPERATION_START, UriKey.FLOW_ID),
    SNAPSHOT(FlowStateConstants.OPERATION_SNAPSHOT, UriKey.NONE),
    RESTORE(FlowStateConstants.OPERATION_RESTORE, UriKey.NONE),
    COMPLETE(FlowStateConstants.OPERATION_COMPLETE, UriKey.NONE),
    SUSPEND(FlowStateConstants.OPERATION_SUSPEND, UriKey.SUSPEND_NAME),
    RESUME(FlowStateConstants.OPERATION_RESUME, UriKey.NONE),
    RESOURCE(FlowStateConstants.OPERATION_RESOURCE, UriKey.RESOURCE_NAME),
    WORKDIR(FlowStateConstants.OPERATION_WORKDIR, UriKey.NONE),
    CHANGES(FlowStateConstants.OPERATION_CHANGES, UriKey.WATERMARK_KEY),
    SLEEP(FlowStateConstants.OPERATION_SLEEP, UriKey.SLEEP_NAME),
    RESTART(FlowStateConstants.OPERATION_RESTART, UriKey.NONE),
    HISTORY(FlowStateConstants.OPERATION_HISTORY, UriKey.NONE),
    CANCEL(FlowStateConstants.OPERATION_CANCEL, UriKey.NONE),
    RUNS(FlowStateConstants.OPERATION_RUNS, UriKey.NONE);

    /** What the KEY of {@code flowstate:OPERATION:KEY} names. */
    public enum UriKey {
        /** Nothing: the operation takes no key. */
        NONE,
        /** A state key (a path in the global scope); header CamelFlowStateKey overrides it. */
        STATE_KEY,
        /** The persistent key holding the watermark of flowstate:changes; header CamelFlowStateKey overrides it. */
        WATERMARK_KEY,
        /** The flow id (the route id when omitted). */
        FLOW_ID,
        /** The name of the suspend step (required). */
        SUSPEND_NAME,
        /** The name of the sleep step (when omitted, the run names it sleep-1, sleep-2 …). */
        SLEEP_NAME,
        /** The name of the resource (required). */
        RESOURCE_NAME
    }

    private final String written;
    private final UriKey uriKey;

    FlowStateOperation(String written, UriKey uriKey) {
        this.written = written;
        this.uriKey = uriKey;
    }

    public UriKey uriKey() {
        return uriKey;
    }

    /** Whether the operation works on one state key, which header CamelFlowStateKey may give instead of the URI. */
    public boolean isKeyed() {
        return uriKey == UriKey.STATE_KEY || uriKey == UriKey.WATERMARK_KEY;
    }

    /**
     * Checks the KEY an endpoint URI gives this operation (null when it gives none). A state key's form (key or global
     * path) depends on the scope, so it is checked again once the options are set.
     *
     * @throws IllegalArgumentException naming the URI when a required key is missing or a key is given to an operation
     *                                  that takes none
     */
    public void checkUriKey(String uri, String key) {
        switch (uriKey) {
            case NONE -> {
                if (key != null) {
                    throw new IllegalArgumentException(
                            "flowstate:" + written + " takes no key, but " + uri + " gives '" + key + "'");
                }
            }
            case STATE_KEY, WATERMARK_KEY -> {
                if (key != null) {
                    Identifiers.requireKeyOrPath(key);
                }
            }
            case FLOW_ID -> {
                if (key != null) {
                    Identifiers.requireFlowId(key);
                }
            }
            case SLEEP_NAME -> {
                if (key != null) {
                    Identifiers.requireKey(key);
                }
            }
            case SUSPEND_NAME -> Identifiers.requireKey(
                    required(key, "flowstate:suspend needs the name of the step: flowstate:suspend:approval"));
            case RESOURCE_NAME -> Identifiers.requireKey(
                    required(key, "flowstate:resource needs the name of the resource: flowstate:resource:myDataSource"));
        }
    }

    /** The operation written {@code name}, as in a URI or header CamelFlowStateOperation. */
    public static FlowStateOperation of(String name, String where) {
        for (FlowStateOperation operation : values()) {
            if (operation.written.equals(name)) {
                return operation;
            }
        }
        throw new IllegalArgumentException(unknown(name, where));
    }

    /** The message for an unknown operation: what was given, where, and the valid ones. */
    public static String unknown(Object name, String where) {
        return "Unknown flowstate operation '" + name + "' in " + where + ": use one of " + names();
    }

    /** The operations as written, in order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(FlowStateOperation::toString).toList();
    }

    @Override
    public String toString() {
        return written;
    }

    private static String required(String key, String message) {
        if (key == null) {
            throw new IllegalArgumentException(message);
        }
        return key;
    }
}
