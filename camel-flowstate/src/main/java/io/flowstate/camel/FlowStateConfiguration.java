package io.flowstate.camel;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.flowstate.camel.execution.CheckpointPolicy;
import io.flowstate.camel.execution.OnTimeout;
import io.flowstate.camel.execution.OnDuplicate;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.state.StateScope;
import io.flowstate.camel.support.BusinessKeys;
import io.flowstate.camel.support.Identifiers;
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
                            + " omitted. When it passes, the recovery task continues the run as onTimeout says.")
    private Duration timeout;

    @UriParam(label = "suspend", defaultValue = "continue",
              description = "For suspend: what the step does when its timeout passes: continue (it gives a null body and"
                            + " header CamelFlowStateTimedOut=true), fail (the run ends FAILED: approval NAME timed out"
                            + " after ...) or resume (it gives timeoutPayload, as if someone had answered with it).")
    private OnTimeout onTimeout;

    @UriParam(label = "suspend",
              description = "For suspend with onTimeout=resume (required there): the JSON value the step gives when"
                            + " its timeout passes, e.g. {\"approved\":false}.")
    private String timeoutPayload;

    @UriParam(label = "suspend", defaultValue = "true",
              description = "For suspend: whether the actor who started the run (header CamelFlowStateActor at the"
                            + " start) may answer. With false, a resume must give another actor in header"
                            + " CamelFlowStateActor; one from the starter is refused (ResumeException.SelfApproval)"
                            + " and the run stays SUSPENDED.")
    private boolean selfApproval = true;

    @UriParam(label = "suspend",
              description = "For suspend: the JSON Schema a resume payload must match, as a resource URI (e.g."
                            + " classpath:approval.json or file:schemas/approval.json), loaded when the route starts. A"
                            + " payload that does not match is refused with the failing paths"
                            + " (ResumeException.InvalidPayload) and the run stays SUSPENDED.")
    private String payloadSchema;

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

    @UriParam(label = "start",
              description = "For start: the endpoint of a route (e.g. direct:orderCancelled) run once when a run of"
                            + " this flow is cancelled, with the cancelled run attached (its state can be read) and"
                            + " its close snapshot as body, for clean-up. Its failure is logged; the run stays"
                            + " CANCELLED.")
    private String onCancel;

    @UriParam(label = "start", prefix = "resource.", multiValue = true,
              javaType = "java.util.Map<java.lang.String, java.lang.Object>",
              description = "For start: the flow's live resources, one option per resource: resource.NAME=#bean"
                            + " (resource.db=#ordersDataSource). A run looks them up after its own (header"
                            + " CamelFlowStateResources) and before the registry; they are never stored, only their"
                            + " names.")
    private Map<String, Object> resources = Map.of();

    @UriParam(label = "restart",
              description = "For restart: the step to run again from, with every step completed after it: a step id,"
                            + " or id[i] for one iteration of a step inside a split or loop (charge[3]). The steps"
                            + " completed before it are skipped with their recorded results. Omitted: the run goes on"
                            + " from the step that failed.")
    private String fromStep;

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

    @UriParam(label = "start,runs",
              description = "For start: the new run's business key, such as an order number; a simple expression"
                            + " (${header.orderId}) is evaluated per exchange, and header CamelFlowStateBusinessKey wins"
                            + " over the option. At most one unfinished run per flow and key (see onDuplicate). For"
                            + " runs: the business key of the runs to find.")
    private String businessKey;

    @UriParam(label = "start", defaultValue = "reject",
              description = "For start with a business key that another unfinished run of the flow holds: reject"
                            + " (fail with a DuplicateBusinessKeyException naming that run) or attach (the exchange"
                            + " carries that run, read-only, and replies with its id, status and what it waits for;"
                            + " the route stops there).")
    private OnDuplicate onDuplicate = OnDuplicate.REJECT;

    @UriParam(label = "runs", description = "For runs: the flow id of the runs to find; every flow when omitted.")
    private String flow;

    @UriParam(label = "runs",
              description = "For runs: the statuses of the runs to find, comma-separated (RUNNING, SUSPENDED,"
                            + " COMPLETED, FAILED); every status when omitted.")
    private String status;
    private Set<FlowStatus> statuses = Set.of();

    @UriParam(label = "runs", description = "For runs: the suspended runs waiting in the suspend step of this name.")
    private String waitingFor;

    @UriParam(label = "runs",
              description = "For runs: the runs started after this ISO-8601 instant (exclusive), e.g."
                            + " 2026-01-31T00:00:00Z.")
    private String startedAfter;

    @UriParam(label = "runs", description = "For runs: the runs started before this ISO-8601 instant (exclusive).")
    private String startedBefore;

    @UriParam(label = "runs",
              description = "For runs: the runs last updated before this ISO-8601 instant, or a duration meaning that"
                            + " long ago (PT1H: not updated for an hour), i.e. runs that stopped moving.")
    private String updatedBefore;

    @UriParam(label = "runs", description = "For runs: the runs whose lease this node holds (a node id).")
    private String leaseOwner;

    @UriParam(label = "runs", defaultValue = "100",
              description = "For runs: the most runs in one page, 1 to 1000. Header CamelFlowStatePageToken of the"
                            + " reply asks for the next page.")
    private int limit = FlowSnapshotQuery.DEFAULT_PAGE_SIZE;

    public String getBusinessKey() {
        return businessKey;
    }

    public void setBusinessKey(String businessKey) {
        if (businessKey != null && !businessKey.contains("${")) {
            BusinessKeys.require(businessKey);
        }
        this.businessKey = businessKey;
    }

    public OnDuplicate getOnDuplicate() {
        return onDuplicate;
    }

    public void setOnDuplicate(OnDuplicate onDuplicate) {
        this.onDuplicate = onDuplicate;
    }

    public String getFlow() {
        return flow;
    }

    public void setFlow(String flow) {
        this.flow = flow == null ? null : Identifiers.requireFlowId(flow);
    }

    public String getStatus() {
        return status;
    }

    /** @throws IllegalArgumentException naming the unknown value and the statuses there are */
    public void setStatus(String status) {
        this.statuses = RunsOptions.statuses(status);
        this.status = status;
    }

    /** The statuses of option status; empty for every status. */
    public Set<FlowStatus> statuses() {
        return statuses;
    }

    public String getWaitingFor() {
        return waitingFor;
    }

    public void setWaitingFor(String waitingFor) {
        this.waitingFor = waitingFor;
    }

    public String getStartedAfter() {
        return startedAfter;
    }

    public void setStartedAfter(String startedAfter) {
        RunsOptions.instant("startedAfter", startedAfter);
        this.startedAfter = startedAfter;
    }

    public String getStartedBefore() {
        return startedBefore;
    }

    public void setStartedBefore(String startedBefore) {
        RunsOptions.instant("startedBefore", startedBefore);
        this.startedBefore = startedBefore;
    }

    public String getUpdatedBefore() {
        return updatedBefore;
    }

    public void setUpdatedBefore(String updatedBefore) {
        RunsOptions.updatedBefore(updatedBefore, FlowSnapshotQuery.builder());
        this.updatedBefore = updatedBefore;
    }

    public String getLeaseOwner() {
        return leaseOwner;
    }

    public void setLeaseOwner(String leaseOwner) {
        this.leaseOwner = leaseOwner;
    }

    public int getLimit() {
        return limit;
    }

    public void setLimit(int limit) {
        if (limit < 1 || limit > FlowSnapshotQuery.MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("The flowstate endpoint option limit (of flowstate:runs) must be 1 to "
                                               + FlowSnapshotQuery.MAX_PAGE_SIZE + ", not " + limit);
        }
        this.limit = limit;
    }

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

    public String getFromStep() {
        return fromStep;
    }

    public void setFromStep(String fromStep) {
        this.fromStep = fromStep;
    }

    public Duration getDuration() {
        return duration;
    }

    public void setDuration(Duration duration) {
        this.duration = duration;
    }

    /** Null when not set: continue. */
    public OnTimeout getOnTimeout() {
        return onTimeout;
    }

    public void setOnTimeout(OnTimeout onTimeout) {
        this.onTimeout = onTimeout;
    }

    public String getTimeoutPayload() {
        return timeoutPayload;
    }

    public void setTimeoutPayload(String timeoutPayload) {
        this.timeoutPayload = timeoutPayload;
    }

    public boolean isSelfApproval() {
        return selfApproval;
    }

    public void setSelfApproval(boolean selfApproval) {
        this.selfApproval = selfApproval;
    }

    public String getPayloadSchema() {
        return payloadSchema;
    }

    public void setPayloadSchema(String payloadSchema) {
        this.payloadSchema = payloadSchema;
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

    public String getOnCancel() {
        return onCancel;
    }

    public void setOnCancel(String onCancel) {
        this.onCancel = onCancel;
    }
}
