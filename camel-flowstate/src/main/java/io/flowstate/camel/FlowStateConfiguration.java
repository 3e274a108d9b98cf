package io.flowstate.camel;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;

import io.flowstate.camel.state.StateScope;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of one flowstate endpoint.
 */
@UriParams
public class FlowStateConfiguration {

    @UriParam(defaultValue = "execution", enums = "execution,flow,persistent,global",
              description = "Where the value lives: execution (this run, saved in its snapshots), flow (every run of"
                            + " the flow in this CamelContext, memory only, logs a WARN on every use unless"
                            + " noWarning=true), persistent (every run of the flow, kept in the repository across"
                            + " runs, restarts and nodes) or global (every flow, kept in the repository; keys are"
                            + " paths such as team/crm/config).")
    private StateScope scope = StateScope.EXECUTION;

    @UriParam(label = "get", description = "For get: the body to use when the key is absent.")
    private String defaultValue;

    @UriParam(label = "get,resource", javaType = "java.lang.Boolean",
              description = "For get: whether an absent key fails the exchange (MissingStateException) instead of"
                            + " giving the defaultValue or null; false unless set. For resource: whether a missing"
                            + " resource fails the exchange (ResourceNotFoundException) instead of giving a null body;"
                            + " true unless set to false.")
    private Boolean required;

    @UriParam(label = "increment", defaultValue = "1",
              description = "For increment: the amount to add. A whole amount (2, 2.0) keeps a whole value whole; a"
                            + " decimal amount is added exactly as written (by=0.1 adds 0.1, not the double nearest"
                            + " to it) and gives a decimal result.")
    private String by = "1"; // text: Camel has no converter to BigDecimal, and a double would round the amount
    private BigDecimal increment = BigDecimal.ONE;

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

    @UriParam(label = "sleep", javaType = "java.time.Duration",
              description = "For sleep (required): how long the run sleeps, an ISO-8601 duration such as PT10M or P1D."
                            + " The run is saved SUSPENDED until then, its exchange stops, and the recovery task of any"
                            + " node continues it once the time has passed (so it wakes up at most recoveryInterval"
                            + " late); the sleep step then gives the body it had when it went to sleep. Zero, negative"
                            + " or missing durations fail when the route starts.")
    private Duration duration;

    @UriParam(label = "start", enums = "afterEachStep,onSuspend,manual",
              description = "For start: when this flow's runs save themselves, overriding the component's checkpoint"
                            + " option: afterEachStep, onSuspend or manual.")
    private String checkpoint;

    @UriParam(label = "start",
              description = "For start: comma-separated ids of steps whose body is not recorded as their result (e.g."
                            + " a step ending with a stream); they still count as completed, and their result is"
                            + " null.")
    private String unrecordedSteps;

    @UriParam(label = "start", prefix = "resource.", multiValue = true,
              javaType = "java.util.Map<java.lang.String, java.lang.Object>",
              description = "For start: the flow's live resources, one option per resource: resource.NAME=#bean names"
                            + " a bean of the registry (resource.db=#ordersDataSource). A run looks a resource up among"
                            + " its own (header CamelFlowStateResources), then these, then the registry by NAME."
                            + " Resources are never stored; snapshots record their names only.")
    private Map<String, Object> resources = Map.of();

    @UriParam(label = "changes",
              description = "For changes: the path to an item's id, e.g. id or customer.id (a leading dot, as in jq,"
                            + " is allowed). The item itself is its id when omitted.")
    private String idPath;

    @UriParam(label = "changes", defaultValue = "new", enums = "new,newOrChanged",
              description = "For changes: which items go on: new (ids not seen before) or newOrChanged (also items"
                            + " seen before whose content differs).")
    private String mode = "new";

    @UriParam(label = "changes", defaultValue = "onCompletion", enums = "onCompletion,immediate",
              description = "For changes: when the new watermark is stored: onCompletion (only when the exchange"
                            + " completes without error, so a failed run loses no item) or immediate (at once;"
                            + " concurrent pollers then never get the same item).")
    private String commit = "onCompletion";

    @UriParam(label = "changes", defaultValue = "false",
              description = "For changes: whether to end the exchange (and forget its run, if it was never saved)"
                            + " when nothing is new.")
    private boolean stopWhenEmpty;

    public Map<String, Object> getResources() {
        return resources;
    }

    public void setResources(Map<String, Object> resources) {
        this.resources = resources == null ? Map.of() : resources;
    }

    public String getIdPath() {
        return idPath;
    }

    public void setIdPath(String idPath) {
        this.idPath = idPath;
    }

    public String getMode() {
        return mode;
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    public String getCommit() {
        return commit;
    }

    public void setCommit(String commit) {
        this.commit = commit;
    }

    public boolean isStopWhenEmpty() {
        return stopWhenEmpty;
    }

    public void setStopWhenEmpty(boolean stopWhenEmpty) {
        this.stopWhenEmpty = stopWhenEmpty;
    }

    public Duration getDuration() {
        return duration;
    }

    public void setDuration(Duration duration) {
        this.duration = duration;
    }

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

    /** For get: false unless set. */
    public boolean requiredForGet() {
        return required != null && required;
    }

    /** For resource: true unless set to false. */
    public boolean requiredForResource() {
        return required == null || required;
    }

    public Boolean getRequired() {
        return required;
    }

    public void setRequired(Boolean required) {
        this.required = required;
    }

    public String getBy() {
        return by;
    }

    public void setBy(String by) {
        try {
            this.increment = new BigDecimal(by.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("by must be a number such as 1, -2 or 0.05, not '" + by + "'");
        }
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

    /**
     * The increment as the number it stands for: whole amounts as a Long (a BigInteger past it), so counters stay
     * integers and stay exact past 2^53; other amounts as the exact decimal written.
     */
    public Number getIncrement() {
        BigDecimal whole = increment.stripTrailingZeros();
        // a wider whole number is left a decimal: the increment refuses it without building its digits
        if (whole.scale() <= 0 && whole.precision() - (long) whole.scale() <= 1000) {
            BigInteger value = whole.toBigIntegerExact();
            return value.bitLength() < Long.SIZE ? (Number) value.longValue() : value;
        }
        return increment;
    }
}
