package io.flowstate.camel;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;

import io.flowstate.camel.execution.CheckpointPolicy;
import io.flowstate.camel.state.StateScope;
import io.flowstate.camel.trigger.ChangeWatch;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of one flowstate endpoint.
 */
@UriParams
public class FlowStateConfiguration {

    @UriParam(defaultValue = "execution", enums = "execution,flow,persistent,global",
              description = "Where the value lives: execution (this run, saved with it), flow (all runs of the flow in"
                            + " this CamelContext, memory only, a WARN on every use unless noWarning=true), persistent"
                            + " (all runs of the flow, in the repository across restarts and nodes) or global (all"
                            + " flows, in the repository; keys are paths such as team/crm/config).")
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
              description = "For increment: the amount to add, exactly as written (by=0.1 adds 0.1, not the nearest"
                            + " double). A whole amount keeps a whole value whole; a decimal amount gives a decimal.")
    private String by = "1"; // text: Camel has no converter to BigDecimal, and a double would round the amount
    private BigDecimal increment = BigDecimal.ONE;

    @UriParam(defaultValue = "false",
              description = "Whether to use scope=flow without the WARN it logs on every use; set it only where runs"
                            + " are meant to share the value.")
    private boolean noWarning;

    @UriParam(label = "start",
              description = "For start and restore: the class (a record or a POJO) of the run's typed state. Only its"
                            + " properties are keys, writes are converted and checked, a new run starts with its"
                            + " defaults, and a restored run's state is checked against it.")
    private Class<?> stateClass;

    @UriParam(label = "suspend", javaType = "java.time.Duration",
              description = "For suspend: how long to wait for a resume (ISO-8601, e.g. PT24H); no timeout when"
                            + " omitted. When it passes, the recovery task continues the run: the suspend step gives a"
                            + " null body and header CamelFlowStateTimedOut=true.")
    private Duration timeout;

    @UriParam(label = "set", javaType = "java.time.Duration",
              description = "For set in the persistent and global scopes: how long the value lives (ISO-8601, e.g."
                            + " PT24H); then it reads as absent and the maintenance pass removes it. No expiry when"
                            + " omitted; a set without ttl clears an earlier one, append and increment keep it.")
    private Duration ttl;

    @UriParam(label = "sleep", javaType = "java.time.Duration",
              description = "For sleep (required, positive): how long the run sleeps, an ISO-8601 duration such as"
                            + " PT10M. Its exchange stops, the run is saved SUSPENDED, and the recovery task of any"
                            + " node continues it when the time has passed (at most recoveryInterval late), the step"
                            + " giving back the body it had.")
    private Duration duration;

    @UriParam(label = "start",
              description = "For start: when this flow's runs save themselves, overriding the component's checkpoint"
                            + " option.")
    private CheckpointPolicy checkpoint;

    @UriParam(label = "start",
              description = "For start: comma-separated ids of steps whose body is not recorded as their result (e.g."
                            + " a step ending with a stream); they still count as completed, with a null result.")
    private String unrecordedSteps;

    @UriParam(label = "start", prefix = "resource.", multiValue = true,
              javaType = "java.util.Map<java.lang.String, java.lang.Object>",
              description = "For start: the flow's live resources, one option per resource: resource.NAME=#bean"
                            + " (resource.db=#ordersDataSource). A run looks them up after its own (header"
                            + " CamelFlowStateResources) and before the registry; they are never stored, only their"
                            + " names.")
    private Map<String, Object> resources = Map.of();

    @UriParam(label = "changes",
              description = "For changes: the path to an item's id, e.g. id or customer.id (a leading dot, as in jq, is"
                            + " allowed); the item itself when omitted.")
    private String idPath;

    @UriParam(label = "changes", defaultValue = "new",
              description = "For changes: which items go on: new (ids not seen before) or newOrChanged (also items"
                            + " seen before whose content differs).")
    private ChangeWatch.Mode mode = ChangeWatch.Mode.NEW;

    @UriParam(label = "changes", defaultValue = "onCompletion",
              description = "For changes: when the new watermark is stored: onCompletion (when the exchange completes"
                            + " without error, so a failed run loses no item) or immediate (at once, so concurrent"
                            + " pollers never get the same item).")
    private ChangeWatch.Commit commit = ChangeWatch.Commit.ON_COMPLETION;

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

    public ChangeWatch.Mode getMode() {
        return mode;
    }

    public void setMode(ChangeWatch.Mode mode) {
        this.mode = mode;
    }

    public ChangeWatch.Commit getCommit() {
        return commit;
    }

    public void setCommit(ChangeWatch.Commit commit) {
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

    public Duration getTtl() {
        return ttl;
    }

    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public CheckpointPolicy getCheckpoint() {
        return checkpoint;
    }

    public void setCheckpoint(CheckpointPolicy checkpoint) {
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
            throw new IllegalArgumentException("The flowstate endpoint option by (of flowstate:increment) must be a number"
                                               + " such as 1, -2 or 0.05, not '" + by + "'");
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
