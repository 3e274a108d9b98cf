package io.flowstate.camel.execution;

/**
 * When a run is saved by itself: option {@code checkpoint} of the component (every flow) and of flowstate:start (one
 * flow).
 */
public enum CheckpointPolicy {
    /** After every completed step (a run can resume after its last completed step). The default. */
    AFTER_EACH_STEP,
    /** Only when the run suspends (and at flowstate:snapshot/complete): cheaper, but a crash loses the steps since. */
    ON_SUSPEND,
    /** Only at flowstate:snapshot, suspend and complete. */
    MANUAL;

    /** The policy written as in URIs and properties: afterEachStep, onSuspend or manual. */
    public static CheckpointPolicy of(String name) {
        switch (name) {
            case "afterEachStep":
                return AFTER_EACH_STEP;
            case "onSuspend":
                return ON_SUSPEND;
            case "manual":
                return MANUAL;
            default:
                throw new IllegalArgumentException("Unknown checkpoint policy '" + name
                                                   + "': use afterEachStep, onSuspend or manual");
        }
    }
}
