package io.flowstate.camel.execution;

import io.flowstate.camel.support.OptionEnum;

/**
 * When a run is saved by itself: option {@code checkpoint} of the component (every flow) and of flowstate:start (one
 * flow), written as {@link #toString()} ({@code afterEachStep}, {@code onSuspend}, {@code manual}).
 */
public enum CheckpointPolicy implements OptionEnum {
    /** After every completed step (a run can resume after its last completed step). The default. */
    AFTER_EACH_STEP,
    /** Only when the run suspends (and at flowstate:snapshot/complete): cheaper, but a crash loses the steps since. */
    ON_SUSPEND,
    /** Only at flowstate:snapshot, suspend and complete. */
    MANUAL;

    @Override
    public String toString() {
        return OptionEnum.lowerCamel(this);
    }
}
