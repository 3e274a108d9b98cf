package io.flowstate.camel;

import java.time.Duration;

import io.flowstate.camel.state.StateScope;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of one flowstate endpoint.
 */
@UriParams
public class FlowStateConfiguration {

    @UriParam(defaultValue = "execution", enums = "execution,flow,persistent",
              description = "Where the value lives: execution (this run, saved in its snapshots), flow (every run of"
                            + " the flow in this CamelContext, memory only, logs a WARN on every use unless"
                            + " noWarning=true) or persistent (every run of the flow, kept in the repository across"
                            + " runs, restarts and nodes).")
    private StateScope scope = StateScope.EXECUTION;

    @UriParam(label = "get", description = "For get: the body to use when the key is absent.")
    private String defaultValue;

    @UriParam(label = "get", defaultValue = "false",
              description = "For get: whether an absent key fails the exchange (MissingStateException) instead of"
                            + " giving the defaultValue or null.")
    private boolean required;

    @UriParam(label = "increment", defaultValue = "1",
              description = "For increment: the amount to add. Whole numbers keep the value whole; a decimal amount"
                            + " gives a decimal result.")
    private double by = 1;

    @UriParam(defaultValue = "false",
              description = "Whether to use scope=flow without the WARN it logs on every use; set it only where runs"
                            + " are meant to share the value.")
    private boolean noWarning;

    @UriParam(label = "start",
              description = "For start (and restore): the class of the run's typed state (a record or a POJO). Its"
                            + " properties are the only keys allowed, writes are converted to their types and checked,"
                            + " and a new run starts with the class's defaults; a restored run's state is checked"
                            + " against it.")
    private Class<?> stateClass;

    @UriParam(label = "suspend", javaType = "java.time.Duration",
              description = "For suspend: how long to wait for a resume (ISO-8601 duration, e.g. PT24H). When it"
                            + " passes, the recovery task continues the run: the suspend step yields a null body and"
                            + " header CamelFlowStateTimedOut=true. No timeout when omitted.")
    private Duration timeout;

    @UriParam(label = "start", enums = "afterEachStep,onSuspend,manual",
              description = "For start: when this flow's runs save themselves, overriding the component's checkpoint"
                            + " option: afterEachStep, onSuspend or manual.")
    private String checkpoint;

    @UriParam(label = "start",
              description = "For start: comma-separated ids of steps whose body is not recorded as their result (e.g."
                            + " a step ending with a stream); they still count as completed, and their result is"
                            + " null.")
    private String unrecordedSteps;

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public String getCheckpoint() {
        return checkpoint;
    }

    public void setCheckpoint(String checkpoint) {
        this.checkpoint = checkpoint;
    }

    public String getUnrecordedSteps() {
        return unrecordedSteps;
    }

    public void setUnrecordedSteps(String unrecordedSteps) {
        this.unrecordedSteps = unrecordedSteps;
    }

    public StateScope getScope() {
        return scope;
    }

    public void setScope(StateScope scope) {
        this.scope = scope;
    }

    public String getDefaultValue() {
        return defaultValue;
    }

    public void setDefaultValue(String defaultValue) {
        this.defaultValue = defaultValue;
    }

    public boolean isRequired() {
        return required;
    }

    public void setRequired(boolean required) {
        this.required = required;
    }

    public double getBy() {
        return by;
    }

    public void setBy(double by) {
        this.by = by;
    }

    public boolean isNoWarning() {
        return noWarning;
    }

    public void setNoWarning(boolean noWarning) {
        this.noWarning = noWarning;
    }

    public Class<?> getStateClass() {
        return stateClass;
    }

    public void setStateClass(Class<?> stateClass) {
        this.stateClass = stateClass;
    }

    /** The increment as the number it stands for: a long when whole, so counters stay integers. */
    public Number getIncrement() {
        return by == Math.rint(by) && Math.abs(by) < 0x1p53 ? (Number) (long) by : (Number) by;
    }
}
