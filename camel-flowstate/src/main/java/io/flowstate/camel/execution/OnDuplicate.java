package io.flowstate.camel.execution;

import io.flowstate.camel.support.OptionEnum;

/**
 * What {@code flowstate:start} does when another unfinished run of the flow has the business key: option
 * {@code onDuplicate}, written as {@link #toString()} ({@code reject}, {@code attach}).
 */
public enum OnDuplicate implements OptionEnum {
    /** Fail the exchange with a DuplicateBusinessKeyException naming the existing run. The default. */
    REJECT,
    /** Attach the existing run (read-only, as restore does) and reply with its current answer. */
    ATTACH;

    @Override
    public String toString() {
        return OptionEnum.lowerCamel(this);
    }
}
