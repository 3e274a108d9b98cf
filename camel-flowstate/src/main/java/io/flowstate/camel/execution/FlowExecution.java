package io.flowstate.camel.execution;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.state.LocalStateStore;
import io.flowstate.camel.state.StateSchema;
import io.flowstate.camel.state.StateScope;
import io.flowstate.camel.state.StateStore;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a flow: its identity and its state. Held in the exchange property {@code CamelFlowStateExecution}; the
 * copies split, multicast, recipientList and wireTap make of an exchange share this one object, so it is thread-safe.
 * <p>
 * Java processors and beans use it directly:
 *
 * <pre>
 * FlowExecution run = FlowExecution.of(exchange);
 * run.state().increment("attempts", 1);
 * run.state().edit(state -&gt; state.set("total", ...));
 * run.scope(StateScope.PERSISTENT).get("lastSeen");
 * </pre>
 */
public final class FlowExecution {

    private static final Logger LOG = LoggerFactory.getLogger(FlowExecution.class);

    private final String executionId;
    private final String flowId;
    private final String routeId;
    private final Instant startedAt;
    private volatile LocalStateStore state;
    /** Read back from the repository (restored, resumed or recovered) rather than started here. */
    private volatile boolean fromRepository;
    /** Continued by re-entering its route (resume, timeout, wake-up, recovery), rather than started or restored. */
    private volatile boolean reentered;
    private final FlowExecutions executions;
    private final RunInput input;
    /** Created on first use: most runs that are never saved have no steps. */
    private volatile StepResults results;

    /**
     * Guards the fields below. Private, so that no code outside can hold it, and never held across repository I/O (see
     * {@link #takeSaveTurn}).
     */
    private final Object lock = new Object();
    /** One save of the run at a time: each writes on the version the previous one left (compare-and-set). */
    private final Semaphore saveTurn = new Semaphore(1);

    // guarded by lock: what the repository holds of the run
    private FlowStatus status;
    private long version;
    private String failure;
    private Instant leaseUntil;
    private final String parentExecutionId;
    private CheckpointPolicy checkpointPolicy = CheckpointPolicy.AFTER_EACH_STEP;
    private java.util.Set<String> unrecordedSteps = java.util.Set.of();
    private ResumeSignal resumeSignal;
    /** The run this one is an inner flow of (in memory, while the inner flow's route runs), or null. */
    private FlowExecution parentRun;
    /** Inner runs started so far, by flow and iteration: the n-th start gets the same id on every re-entry. */
    private Map<String, Integer> childStarts;
    /** Signals for inner runs resumed through this (root) run, by inner run id; shared down the chain. */
    private Map<String, ResumeSignal> childSignals;
    /** The exchange that started or restored the run: its end finishes the run once saved. */
    private Exchange carrier;
    private boolean completionRegistered;
    /** What to do when the run ends on this node; null until something is registered. */
    private Map<String, Runnable> endActions;
    /** What to do instead of an end action when the run stops on this node without ending here; by action name. */
    private Map<String, Runnable> leaveActions;
    /**
     * Attached by flowstate:restore and not saved by this node since: the run belongs to whoever runs it (maybe this
     * node, in another exchange), so the end of this exchange does not end it here.
     */
    private volatile boolean attachedOnly;
    /** Sleeps without a name reached so far on this node: the n-th is step sleep-n (the same on every re-entry). */
    private int sleepsReached;
    /** The context the run belongs to (header CamelFlowStateContextId at its start), or null. */
    private volatile String contextId;
    /** The run's live resources; created on first use (most runs have none). */
    private volatile RunResources resources;

    FlowExecution(String executionId, String flowId, String routeId, Instant startedAt, LocalStateStore state,
                  FlowExecutions executions, RunInput input, StepResults results, FlowStatus status, long version,
                  String parentExecutionId) {
        this.executionId = executionId;
        this.flowId = flowId;
        this.routeId = routeId;
        this.startedAt = startedAt;
        this.state = state;
        this.executions = executions;
        this.input = input;
        this.results = results;
        this.status = status;
        this.version = version;
        this.parentExecutionId = parentExecutionId;
    }

    /**
     * The run the exchange carries, started now (flow id = the route id) if it carries none.
     */
    public static FlowExecution of(Exchange exchange) {
        FlowExecution attached = exchange.getProperty(FlowStateConstants.EXECUTION, FlowExecution.class);
        if (attached != null) {
            return attached;
        }
        FlowExecutions executions = FlowExecutions.find(exchange);
        if (executions == null) {
            throw new FlowStateException("No flowstate component in CamelContext " + exchange.getContext().getName()
                                         + " to start a run: use a flowstate: endpoint in a route, or add the"
                                         + " component (context.addComponent(\"flowstate\", new FlowStateComponent()))");
        }
        return executions.attach(exchange);
    }

    /** The runs this run belongs to (those of the component that started or loaded it). */
    FlowExecutions executions() {
        return executions;
    }

    /** The run the exchange carries, if any; never starts one. */
    public static Optional<FlowExecution> find(Exchange exchange) {
        return Optional.ofNullable(exchange.getProperty(FlowStateConstants.EXECUTION, FlowExecution.class));
    }

    public String getExecutionId() {
        return executionId;
    }

    public String getFlowId() {
        return flowId;
    }

    /** The route the run started in. */
    public String getRouteId() {
        return routeId;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public FlowStatus getStatus() {
        synchronized (lock) {
            return status;
        }
    }

    /** The version stored in the repository; 0 while the run was never saved. */
    public long getVersion() {
        synchronized (lock) {
            return version;
        }
    }

    /** Why the run FAILED, or null. */
    public String getFailure() {
        synchronized (lock) {
            return failure;
        }
    }

    /** What the run started with (body and headers), kept for its snapshot. */
    RunInput input() {
        return input;
    }

    /** The run's completed steps and their results. */
    public StepResults results() {
        StepResults known = results;
        if (known == null) {
            synchronized (lock) {
                if (results == null) {
                    results = new StepResults();
                }
                known = results;
            }
        }
        return known;
    }

    /**
     * The document expressions over the run see (the flowstate language): {@code {"state": …, "results": {stepKey: …},
     * "input": {"body": …, "headers": …}, "executionId": "…", "flowId": "…"}}. A fresh copy: changing it changes nothing.
     */
    public ObjectNode document() {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.set("state", state.tree());
        doc.set("results", results().tree());
        doc.set("input", input.toJson(executions.json()).deepCopy());
        doc.put("executionId", executionId);
        doc.put("flowId", flowId);
        return doc;
    }

    /** What the repository holds of the run, as this node last saved or claimed it; read at once. */
    record Stored(FlowStatus status, long version, Instant leaseUntil) {
    }

    Stored stored() {
        synchronized (lock) {
            return new Stored(status, version, leaseUntil);
        }
    }

    /**
     * Waits until no other save of this run is under way and takes the turn; {@link #endSaveTurn} gives it back. Saves
     * of one run (split branches checkpointing at once, the lease renewer) write one after the other, each on the
     * version the one before left, while the run's lock stays free for its readers during the write.
     *
     * @throws FlowStateException when interrupted while waiting; nothing was saved
     */
    void takeSaveTurn() {
        try {
            saveTurn.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlowStateException("Interrupted while waiting for another save of " + describe()
                                         + " to finish; nothing was saved.");
        }
    }

    /** Takes the save turn if no save of this run is under way. */
    boolean tryTakeSaveTurn() {
        return saveTurn.tryAcquire();
    }

    void endSaveTurn() {
        saveTurn.release();
    }

    void saved(long newVersion, FlowStatus newStatus, String newFailure, Instant newLeaseUntil) {
        synchronized (lock) {
            this.version = newVersion;
            this.status = newStatus;
            this.failure = newFailure;
            this.leaseUntil = newLeaseUntil;
        }
    }

    /** When this node's lease on the run ends, or null when it holds none. */
    Instant getLeaseUntil() {
        synchronized (lock) {
            return leaseUntil;
        }
    }

    /** The prefix of the step names of sleeps without a name. */
    private static final String SLEEP_NAME_PREFIX = "sleep-";

    /**
     * The step name of the next sleep without a name this run reaches: sleep-1, sleep-2 … in the order reached. A route
     * re-entered after a wake-up reaches them again in the same order, so each finds its own step.
     */
    public String nextSleepName() {
        synchronized (lock) {
            return SLEEP_NAME_PREFIX + (++sleepsReached);
        }
    }

    /** Whether {@code stepName} is the name {@link #nextSleepName()} gives. */
    public static boolean isSleepName(String stepName) {
        if (!stepName.startsWith(SLEEP_NAME_PREFIX) || stepName.length() == SLEEP_NAME_PREFIX.length()) {
            return false;
        }
        for (int i = SLEEP_NAME_PREFIX.length(); i < stepName.length(); i++) {
            if (!Character.isDigit(stepName.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The context reused across runs this run belongs to (header CamelFlowStateContextId), or null. */
    public String getContextId() {
        return contextId;
    }

    void setContextId(String contextId) {
        this.contextId = contextId;
    }

    /** The run that called this one as an inner flow, or null. */
    public String getParentExecutionId() {
        return parentExecutionId;
    }

    /**
     * The run as its caller sees it at the end ({@code flowstate:complete}): execution id, flow id, status, state,
     * results and resource names, as plain Java.
     */
    public Map<String, Object> closeSnapshot() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("executionId", executionId);
        view.put("flowId", flowId);
        view.put("status", getStatus().name());
        view.put("state", state.getAll());
        view.put("results", executions.json().toJava(results().tree()));
        view.put("resourceNames", resourceNames());
        return view;
    }

    // ------------------------------------------------------------------ resources

    /**
     * The live resource {@code name} as {@code type}: the run's own, else the flow's, else the registry's bean of that
     * name.
     *
     * @throws io.flowstate.camel.resource.ResourceNotFoundException naming the resource, where it was looked for and
     *                                                               the names available
     * @throws io.flowstate.camel.resource.ResourceTypeException     when it is of another type
     */
    public <T> T requireResource(String name, Class<T> type) {
        return resources().require(name, type, describe());
    }

    /** The live resource {@code name}, or {@code defaultValue} when no source has it. */
    public Object getResource(String name, Object defaultValue) {
        return resources().get(name, defaultValue);
    }

    /** The run's resources: lookup, and the names its snapshots record. */
    public RunResources resources() {
        RunResources r = resources;
        if (r == null) {
            synchronized (lock) {
                r = resources;
                if (r == null) {
                    r = new RunResources(executions.context(), Map.of(), Map.of(), this);
                    resources = r;
                }
            }
        }
        return r;
    }

    /** Closes the run's managed resources (it suspends, sleeps or ends); the next use creates them again. */
    void closeManagedResources() {
        RunResources r = resources;
        if (r != null) {
            r.closeManaged();
        }
    }

    /** The names a snapshot records. */
    List<String> resourceNames() {
        RunResources r = resources;
        return r == null ? List.of() : r.names();
    }

    /** "run X of flow 'f'", for messages. */
    String describe() {
        return "run " + executionId + " of flow '" + flowId + "'";
    }

    boolean isFromRepository() {
        return fromRepository;
    }

    void markFromRepository() {
        this.fromRepository = true;
    }

    /**
     * Whether the route runs again for this run after it was saved (resume, suspend timeout, wake-up after a sleep,
     * recovery): the run, or the run it is an inner run of, was continued by re-entering its route. Not for a run
     * attached with flowstate:restore, whose exchange carries new input.
     */
    public boolean isReentered() {
        if (reentered) {
            return true;
        }
        FlowExecution parent = getParentRun();
        return parent != null && parent.isReentered();
    }

    void markReentered() {
        this.reentered = true;
    }

    /**
     * A run read back from the repository does not know its state class (class names are never read from stored
     * data): the flow's flowstate:start declares it again when the route is re-entered, and the state is checked
     * against it here.
     */
    void adoptStateClass(StateSchema schema) {
        this.state = LocalStateStore.restored(executions.json(), schema, state.tree());
    }

    public CheckpointPolicy getCheckpointPolicy() {
        synchronized (lock) {
            return checkpointPolicy;
        }
    }

    void setCheckpointPolicy(CheckpointPolicy checkpointPolicy) {
        synchronized (lock) {
            this.checkpointPolicy = checkpointPolicy;
        }
    }

    /** Whether the step's body is left out of the results (steps whose bodies are not JSON, e.g. streams). */
    public boolean isUnrecorded(String stepId) {
        synchronized (lock) {
            return unrecordedSteps.contains(stepId);
        }
    }

    void setUnrecordedSteps(java.util.Set<String> stepIds) {
        synchronized (lock) {
            this.unrecordedSteps = java.util.Set.copyOf(stepIds);
        }
    }

    /** Takes the resume signal for the suspend step {@code name}, if the run was resumed into that step. */
    public ResumeSignal takeResumeSignal(String name) {
        synchronized (lock) {
            if (resumeSignal != null && resumeSignal.waitingFor().equals(name)) {
                ResumeSignal signal = resumeSignal;
                resumeSignal = null;
                return signal;
            }
            return null;
        }
    }

    void setResumeSignal(ResumeSignal signal) {
        synchronized (lock) {
            this.resumeSignal = signal;
        }
    }

    FlowExecution getParentRun() {
        synchronized (lock) {
            return parentRun;
        }
    }

    void setParentRun(FlowExecution parent) {
        synchronized (lock) {
            this.parentRun = parent;
            this.childSignals = parent.childSignals();
        }
    }

    Map<String, ResumeSignal> childSignals() {
        synchronized (lock) {
            if (childSignals == null) {
                childSignals = new java.util.concurrent.ConcurrentHashMap<>(); // most runs have no inner flow
            }
            return childSignals;
        }
    }

    /**
     * The id of the next inner run of flow {@code childFlowId} started from this run at {@code place} (the iterations
     * the exchange is in): derived from this run's id, so re-entering the route after a crash or a resume finds the
     * same inner run again instead of starting another.
     */
    String nextChildId(String childFlowId, String place) {
        synchronized (lock) {
            String slot = childFlowId + "/" + place;
            if (childStarts == null) {
                childStarts = new java.util.HashMap<>();
            }
            int n = childStarts.merge(slot, 1, Integer::sum);
            byte[] name = (executionId + "/" + slot + "/" + n).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return java.util.UUID.nameUUIDFromBytes(name).toString();
        }
    }

    /**
     * Whether {@code exchange} is the one that carries the run (started or restored it), not a copy a split or
     * multicast made of it. The original exchange object goes on after those EIPs, so this holds after them too.
     */
    public boolean isCarriedBy(Exchange exchange) {
        synchronized (lock) {
            return carrier == exchange;
        }
    }

    /**
     * Whether {@code exchange} carries this run and every run it is an inner flow of. A suspend or sleep stops that
     * exchange: reached in an inner flow called from a split or multicast copy, it would stop only the copy while the
     * parent run goes on.
     */
    public boolean isCarriedWithItsParentsBy(Exchange exchange) {
        for (FlowExecution run = this; run != null; run = run.getParentRun()) {
            if (!run.isCarriedBy(exchange)) {
                return false;
            }
        }
        return true;
    }

    void carriedBy(Exchange exchange) {
        synchronized (lock) {
            this.carrier = exchange;
            this.completionRegistered = false;
        }
    }

    /** Registers (once) the hook that finishes the run when its carrier exchange ends. */
    void finishWithCarrier(FlowExecutions executions) {
        synchronized (lock) {
            if (!completionRegistered && carrier != null) {
                carrier.getExchangeExtension().addOnCompletion(new RunCompletion(this, executions));
                completionRegistered = true;
            }
        }
    }

    /**
     * Runs {@code action} once when the run ends on this node: when it is saved COMPLETED or FAILED, or when the
     * exchange carrying it ends while the run is not suspended (a run never saved ends with its exchange). Not when it
     * suspends: a suspended run keeps what it holds on this node until it is resumed and ends. Not when it was only
     * attached by flowstate:restore (and not saved by this node since): what it holds belongs to the run's owner. Used
     * for the run's scratch directory.
     *
     * @param name what the action is for: an action of the same name registered before is kept, this one dropped
     */
    public void whenEnded(String name, Runnable action) {
        whenEnded(name, action, null);
    }

    /**
     * As {@link #whenEnded(String, Runnable)}, and runs {@code whenLeft} (when not null) each time the run stops on
     * this node without ending here: it suspends or sleeps, or the exchange of a copy attached by flowstate:restore
     * ends.
     */
    public void whenEnded(String name, Runnable action, Runnable whenLeft) {
        Exchange registerOn = null;
        synchronized (lock) {
            if (endActions == null) {
                endActions = new LinkedHashMap<>();
                leaveActions = new LinkedHashMap<>();
                registerOn = carrier;
            }
            if (endActions.putIfAbsent(name, action) == null && whenLeft != null) {
                leaveActions.put(name, whenLeft);
            }
        }
        if (registerOn != null) {
            registerOn.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
                @Override
                public void onDone(Exchange exchange) {
                    if (attachedOnly) {
                        left();
                    } else if (getStatus() != FlowStatus.SUSPENDED) {
                        ended();
                    }
                }
            });
        }
    }

    /** Marks a run attached by flowstate:restore: the end of its exchange does not end it here. */
    void markAttachedOnly() {
        this.attachedOnly = true;
    }

    /** This node saved the run and carries it on: from now on its end here is the run's end. */
    void markCarriedHere() {
        this.attachedOnly = false;
    }

    /** The run ended on this node: runs the actions given to {@link #whenEnded} (once). */
    void ended() {
        Map<String, Runnable> actions;
        synchronized (lock) {
            actions = endActions;
            endActions = null;
            leaveActions = null;
        }
        runAll(actions);
    }

    /**
     * The run stops on this node without ending here (it suspends or sleeps, or a restored copy's exchange ends): closes
     * its managed resources and runs the {@code whenLeft} actions given to {@link #whenEnded(String, Runnable, Runnable)}.
     * The end actions stay, for the case the same run object ends here later.
     */
    void left() {
        closeManagedResources();
        Map<String, Runnable> actions;
        synchronized (lock) {
            actions = leaveActions == null ? null : new LinkedHashMap<>(leaveActions);
        }
        runAll(actions);
    }

    private void runAll(Map<String, Runnable> actions) {
        if (actions != null) {
            for (Runnable action : actions.values()) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.warn("Cleaning up after run {} failed: {}", executionId, e.getMessage(), e);
                }
            }
        }
    }

    /** The run's own state: the {@code execution} scope, typed when the flow declares a state class. */
    public LocalStateStore state() {
        return state;
    }

    /** The state of a scope, seen from this run. The {@code flow} scope logs a WARN on every call. */
    public StateStore scope(StateScope scope) {
        return scope(scope, false);
    }

    /**
     * The state of a scope, seen from this run.
     *
     * @param noWarning true to use the {@code flow} scope without its WARN, when sharing between concurrent runs is
     *                  intended
     */
    public StateStore scope(StateScope scope, boolean noWarning) {
        switch (scope) {
            case EXECUTION:
                return state;
            case FLOW:
                if (!noWarning) {
                    LOG.warn("Flow-scoped state of flow '{}' is shared by every run of the flow in this CamelContext:"
                             + " concurrent runs overwrite each other's values. Use scope=execution or"
                             + " scope=persistent, or set noWarning=true where the sharing is intended.",
                            flowId);
                }
                return executions.flowScope(flowId);
            case PERSISTENT:
                return executions.persistentScope(flowId);
            case GLOBAL:
                return executions.globalScope();
            default:
                throw new IllegalArgumentException("Unknown scope " + scope);
        }
    }

    @Override
    public String toString() {
        return "FlowExecution[" + executionId + " of flow " + flowId + ", " + status + "]";
    }
}
