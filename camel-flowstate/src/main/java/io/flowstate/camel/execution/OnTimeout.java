package io.flowstate.camel.execution;

import io.flowstate.camel.support.OptionEnum;

/**
 * What an approval step does when its timeout passes: option {@code onTimeout} of flowstate:suspend, written as
 * {@link #toString()} ({@code continue}, {@code fail}, {@code resume}).
 */
public enum OnTimeout implements OptionEnum {
    /** The step gives a null body and header CamelFlowStateTimedOut=true; the route decides. The default. */
    CONTINUE,
    /** The run ends FAILED: "approval NAME timed out after …". */
    FAIL,
    /** The step gives the option timeoutPayload, as if someone had answered with it. */
    RESUME;

    @Override
    public String toString() {
        return OptionEnum.lowerCamel(this);
    }
}
