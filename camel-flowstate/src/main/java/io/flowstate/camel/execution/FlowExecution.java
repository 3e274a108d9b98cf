package io.flowstate.camel.execution;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.HistoryEvent;
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
    private final FlowExecutions executions;
    private final RunInput input;
    /** Created on first use: most runs that are never saved have no steps. */
    private volatile StepResults results;

    /** What the repository holds of the run, and the turn its saves take. */
    private final SaveState saveState;
    private final RunHooks hooks = new RunHooks(this);
    private final RunFamily family;
    private final RunWaits waits = new RunWaits();
    private final String parentExecutionId;
    /** The context the run belongs to (header CamelFlowStateContextId at its start), or null. */
    private volatile String contextId;
    /** Who started the run (header CamelFlowStateActor at its start), or null. */
    private volatile String startedBy;
    private final RunApprovals approvals;
    /** 1 for the first attempt, +1 per restart. */
    private volatile int attempt = 1;
    private volatile String businessKey;
    /** The run's live resources; created on first use (most runs have none). */
    private volatile RunResources resources;
    /** Private, so that no code outside can hold it; guards the fields below and the first use of the lazy ones. */
    private final Object lock = new Object();
    // guarded by lock
    private CheckpointPolicy checkpointPolicy = CheckpointPolicy.AFTER_EACH_STEP;
    private Set<String> unrecordedSteps = Set.of();
    /** History events not saved yet: written with the run's next save. */
    private List<HistoryEvent> pendingEvents = new ArrayList<>();

    FlowExecution(String executionId, String flowId, String routeId, Instant startedAt, LocalStateStore state,
                  FlowExecutions executions, RunInput input, StepResults results, FlowStatus status, long version,
                  String parentExecutionId, ObjectNode approvals) {
        this.executionId = executionId;
        this.flowId = flowId;
        this.routeId = routeId;
        this.startedAt = startedAt;
        this.state = state;
        this.executions = executions;
        this.input = input;
        this.results = results;
        this.saveState = new SaveState(status, version);
        this.family = new RunFamily(executionId);
        this.parentExecutionId = parentExecutionId;
        this.approvals = new RunApprovals(approvals);
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
        return saveState.status();
    }

    /** The version stored in the repository; 0 while the run was never saved. */
    public long getVersion() {
        return saveState.version();
    }

    /** Why the run FAILED, or null. */
    public String getFailure() {
        return saveState.failure();
    }

    /** What the repository holds of the run, and the turn its saves take. */
    SaveState saveState() {
        return saveState;
    }

    /** Its carrier exchange, and what runs when it ends or leaves this node. */
    RunHooks hooks() {
        return hooks;
    }

    /** Its parent run and inner runs. */
    RunFamily family() {
        return family;
    }

    /** Its resume signal, re-entry and sleep names. */
    RunWaits waits() {
        return waits;
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
     * "input": {"body": …, "headers": …}, "executionId": "…", "flowId": "…", "approvals": {NAME: {"actor": …,
     * "at": …, "timedOut": …}}}}. A fresh copy: changing it changes nothing.
     */
    public ObjectNode document() {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.set("state", state.tree());
        doc.set("results", results().tree());
        doc.set("input", input.toJson(executions.json()).deepCopy());
        doc.put("executionId", executionId);
        doc.put("flowId", flowId);
        doc.set("approvals", approvals.tree());
        return doc;
    }

    /**
     * The step name of the next sleep without a name this run reaches: sleep-1, sleep-2 … in the order reached. A route
     * re-entered after a wake-up reaches them again in the same order, so each finds its own step.
     */
    public String nextSleepName() {
        return waits.nextSleepName();
    }

    /** Whether {@code stepName} is the name {@link #nextSleepName()} gives. */
    public static boolean isSleepName(String stepName) {
        return RunWaits.isSleepName(stepName);
    }

    /** The context reused across runs this run belongs to (header CamelFlowStateContextId), or null. */
    public String getContextId() {
        return contextId;
    }

    void setContextId(String contextId) {
        this.contextId = contextId;
    }

    /** Who started the run (header CamelFlowStateActor at its start), or null. */
    public String getStartedBy() {
        return startedBy;
    }

    void setStartedBy(String startedBy) {
        this.startedBy = startedBy;
    }

    /** Who answered the run's approval steps. */
    public RunApprovals approvals() {
        return approvals;
    }

    /** 1 for the run's first attempt, 2 after its first restart, and so on (header CamelFlowStateAttempt). */
    public int getAttempt() {
        return attempt;
    }

    void setAttempt(int attempt) {
        this.attempt = attempt;
    }

    /** The run's business key (option businessKey of flowstate:start), or null. */
    public String getBusinessKey() {
        return businessKey;
    }

    void setBusinessKey(String businessKey) {
        this.businessKey = businessKey;
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
        if (waits.isReentered()) {
            return true;
        }
        FlowExecution parent = family.getParentRun();
        return parent != null && parent.isReentered();
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

    void setUnrecordedSteps(Set<String> stepIds) {
        synchronized (lock) {
            this.unrecordedSteps = Set.copyOf(stepIds);
        }
    }

    // ------------------------------------------------------------------ history

    /**
     * Starts a history event of {@code type} at the component clock's current time; give it to
     * {@link #recordEvent(HistoryEvent)} once its fields are set.
     */
    public HistoryEvent.Builder newEvent(HistoryEvent.Type type) {
        HistoryEvent.Builder event = HistoryEvent.of(type, executions.clock().instant());
        return attempt > 1 ? event.attempt(attempt) : event;
    }

    /**
     * Adds an event to the run's history ({@code flowstate:history}). It is written with the run's next save, in the
     * same delta as that save's other changes (a run never saved keeps no history). Thread-safe.
     */
    public void recordEvent(HistoryEvent event) {
        synchronized (lock) {
            pendingEvents.add(event);
        }
    }

    /** Takes the events not saved yet, oldest first. */
    List<HistoryEvent> drainEvents() {
        synchronized (lock) {
            List<HistoryEvent> drained = pendingEvents;
            pendingEvents = new ArrayList<>();
            return drained;
        }
    }

    /** Puts back events a failed save took: they go with the next save, before the ones recorded since. */
    void requeueEvents(List<HistoryEvent> events) {
        synchronized (lock) {
            events.addAll(pendingEvents);
            pendingEvents = new ArrayList<>(events);
        }
    }

    /** Takes the resume signal for the suspend step {@code name}, if the run was resumed into that step. */
    public ResumeSignal takeResumeSignal(String name) {
        return waits.takeResumeSignal(name);
    }

    /**
     * Whether {@code exchange} is the one that carries the run (started or restored it), not a copy a split or
     * multicast made of it. The original exchange object goes on after those EIPs, so this holds after them too.
     */
    public boolean isCarriedBy(Exchange exchange) {
        return hooks.isCarriedBy(exchange);
    }

    /**
     * Whether {@code exchange} carries this run and every run it is an inner flow of. A suspend or sleep stops that
     * exchange: reached in an inner flow called from a split or multicast copy, it would stop only the copy while the
     * parent run goes on.
     */
    public boolean isCarriedWithItsParentsBy(Exchange exchange) {
        for (FlowExecution run = this; run != null; run = run.family.getParentRun()) {
            if (!run.isCarriedBy(exchange)) {
                return false;
            }
        }
        return true;
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
        hooks.whenEnded(name, action, null);
    }

    /**
     * As {@link #whenEnded(String, Runnable)}, and runs {@code whenLeft} (when not null) each time the run stops on
     * this node without ending here: it suspends or sleeps, or the exchange of a copy attached by flowstate:restore
     * ends.
     */
    public void whenEnded(String name, Runnable action, Runnable whenLeft) {
        hooks.whenEnded(name, action, whenLeft);
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
        return "FlowExecution[" + executionId + " of flow " + flowId + ", " + getStatus() + "]";
    }
}
