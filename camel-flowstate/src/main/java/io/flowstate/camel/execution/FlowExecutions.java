package io.flowstate.camel.execution;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.resource.FlowResourceCatalog;
import io.flowstate.camel.resource.WorkDirectories;
import io.flowstate.camel.snapshot.DuplicateBusinessKeyException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.state.JsonValues;
import io.flowstate.camel.state.LocalStateStore;
import io.flowstate.camel.state.RepositoryStateStore;
import io.flowstate.camel.state.StateStore;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

/**
 * The runs of one component: the entry points the component, steps, language and triggers call (start, attach,
 * restore, save, suspend, sleep, finish), the scratch directories tied to runs, and the scopes runs share (the
 * {@code flow} scope: memory shared by the runs of one flow in this CamelContext). The work itself is done by
 * {@link RunStarts}, {@link InnerRuns}, {@link RunTransitions}, {@link LeaseRenewals} and {@link FlowCheckpoints}.
 */
public class FlowExecutions {

    /** Flow id of runs started outside any route, e.g. by a ProducerTemplate sending straight to flowstate:. */
    public static final String DEFAULT_FLOW_ID = "default";

    /** What a sleeping run waits for: this prefix and the name of its sleep step. */
    public static final String SLEEP_PREFIX = "sleep:";

    /** What a parent waits for while its inner run is suspended: this prefix and the inner run's id. */
    public static final String INNER_PREFIX = "inner:";

    /**
     * What flowstate:start declares about a flow.
     *
     * @param flowId          the flow id, or null for the id of the route the exchange came from
     * @param stateClass      the typed state's class, or null for free-form state
     * @param checkpoint      when the run saves itself, or null for the component's policy
     * @param unrecordedSteps ids of steps whose body is not recorded as their result
     * @param resources       the flow's live resources (resource.NAME options), by name
     */
    public record StartOptions(String flowId, Class<?> stateClass, CheckpointPolicy checkpoint, Set<String> unrecordedSteps,
                               Map<String, Object> resources) {
        public static final StartOptions DEFAULTS = new StartOptions(null, null, null, Set.of(), Map.of());

        public StartOptions(String flowId, Class<?> stateClass, CheckpointPolicy checkpoint, Set<String> unrecordedSteps) {
            this(flowId, stateClass, checkpoint, unrecordedSteps, Map.of());
        }
    }

    private final JsonValues json;
    private final Supplier<FlowSnapshotRepository> repository;
    private final Clock clock;
    private final Map<String, LocalStateStore> flowStates = new ConcurrentHashMap<>();
    private final FlowCheckpoints checkpoints;
    private final FlowContexts contexts;
    private final LeaseRenewals leases;
    private final RunTransitions transitions;
    private final RunStarts starts;
    private final InnerRuns inner;
    private final RunCancels cancels;
    private volatile CamelContext context;
    private volatile WorkDirectories workDirectories;
    private volatile FlowResourceCatalog resourceCatalog;
    private final RunObservers observers = new RunObservers();
    private final List<Runnable> maintenanceTasks = new CopyOnWriteArrayList<>();

    public FlowExecutions(JsonValues json, Supplier<FlowSnapshotRepository> repository, Clock clock) {
        this.json = json;
        this.repository = repository;
        this.clock = clock;
        this.checkpoints = new FlowCheckpoints(json, repository, clock, observers);
        this.contexts = new FlowContexts(json, repository, checkpoints, clock, observers::valueConflicted);
        this.leases = new LeaseRenewals(checkpoints, clock);
        this.transitions = new RunTransitions(checkpoints, contexts, leases, clock);
        this.starts = new RunStarts(this, repository, clock, contexts, transitions);
        this.inner = new InnerRuns(this, repository, clock, checkpoints, starts, transitions);
        this.cancels = new RunCancels(this, repository, checkpoints, contexts, clock);
        transitions.useCancels(cancels);
    }

    /**
     * What {@link #cancel} did.
     *
     * @param status CANCELLED when the run was cancelled at once; RUNNING when a live node holds it and stops it at
     *               its next step boundary
     */
    public record CancelOutcome(String executionId, String flowId, FlowStatus status) {
    }

    /**
     * @param nodeId        who holds the leases of the runs this node saves while RUNNING
     * @param leaseDuration how long such a lease lasts without a new save
     * @param checkpoint    the checkpoint policy of flows that do not set their own
     * @param maxHistory    how many history events a run keeps (older ones are only counted)
     */
    public void configure(String nodeId, Duration leaseDuration, CheckpointPolicy checkpoint, int maxHistory) {
        checkpoints.configure(nodeId, leaseDuration, maxHistory);
        starts.useDefaultCheckpoint(checkpoint);
    }

    /** The CamelContext whose registry resources fall back to; set when the component starts. */
    public void useContext(CamelContext context, BiFunction<String, String, Map<String, Object>> declaredResources) {
        this.context = context;
        this.resourceCatalog = new FlowResourceCatalog(context, declaredResources);
    }

    /**
     * Where a cancelled run's onCancel route is found: the {@code onCancel} option of the flowstate:start of flow
     * (second argument) in route (first argument), or null when it has none.
     */
    public void useOnCancelRoutes(BiFunction<String, String, String> onCancelRoutes) {
        cancels.useOnCancelRoutes(onCancelRoutes);
    }

    /** The runs' scratch directories; set when the component starts. */
    public void useWorkDirectories(WorkDirectories workDirectories) {
        this.workDirectories = workDirectories;
    }

    /** Tells {@code observer} what happens to these runs from now on (see {@link RunObserver}). */
    public void addObserver(RunObserver observer) {
        observers.add(observer);
    }

    public void removeObserver(RunObserver observer) {
        observers.remove(observer);
    }

    RunObserver observers() {
        return observers;
    }

    /**
     * What tells the observers of a conflicting compare-and-set write of a stored value, for the code above this
     * package that writes values ({@code flowstate:changes} watermarks).
     */
    public Runnable valueConflicts() {
        return observers::valueConflicted;
    }

    /**
     * Makes these runs the context's: what code that holds no run finds ({@link #find}). The first flowstate component
     * of a context to initialise registers; a run always carries the runs it belongs to, whichever component that is.
     */
    public void register(CamelContext camelContext) {
        if (camelContext.getCamelContextExtension().getContextPlugin(FlowExecutions.class) == null) {
            camelContext.getCamelContextExtension().addContextPlugin(FlowExecutions.class, this);
        }
    }

    /**
     * The runs of the run the exchange carries, else those registered in its CamelContext; null when the context has
     * no flowstate component.
     */
    public static FlowExecutions find(Exchange exchange) {
        FlowExecution run = exchange.getProperty(FlowStateConstants.EXECUTION, FlowExecution.class);
        return run != null
                ? run.executions()
                : exchange.getContext().getCamelContextExtension().getContextPlugin(FlowExecutions.class);
    }

    /** The runs' scratch directories (null while the component is stopped). */
    public WorkDirectories workDirectories() {
        return workDirectories;
    }

    /** The run's scratch directory, created on first use and tied to the run (see {@link #tieWorkDirectory}). */
    public Path openWorkDirectory(FlowExecution run) {
        Path dir = workDirectories.open(run.getExecutionId());
        tieWorkDirectory(run);
        return dir;
    }

    /**
     * A stored run continues on this node, attached to its exchange: what it left here in an earlier part (its scratch
     * directory) is in use again and removed when it ends.
     */
    void continuedHere(FlowExecution run) {
        WorkDirectories dirs = workDirectories;
        if (dirs != null && dirs.reopen(run.getExecutionId())) {
            tieWorkDirectory(run);
        }
    }

    /**
     * The directory is removed when the run ends on this node, and released when the run stops here without ending
     * (it suspends or sleeps, or was only attached by flowstate:restore): a sweep then decides by its stored status.
     */
    private void tieWorkDirectory(FlowExecution run) {
        WorkDirectories dirs = workDirectories;
        String id = run.getExecutionId();
        run.whenEnded("workdir", () -> dirs.remove(id), () -> dirs.release(id));
    }

    CamelContext context() {
        return context;
    }

    /** The flows' declared resources and the check of a stored run's resources. */
    public FlowResourceCatalog resourceCatalog() {
        return resourceCatalog;
    }

    public JsonValues json() {
        return json;
    }

    /**
     * Adds work to every maintenance pass of the component these runs belong to (after its own), e.g. the saga
     * timeouts and recoveries of a saga service; a task that throws ends that pass only.
     */
    public void addMaintenanceTask(Runnable task) {
        maintenanceTasks.add(task);
    }

    public void removeMaintenanceTask(Runnable task) {
        maintenanceTasks.remove(task);
    }

    List<Runnable> maintenanceTasks() {
        return maintenanceTasks;
    }

    /** The component's repository: null until the component has started. */
    public FlowSnapshotRepository repository() {
        return repository.get();
    }

    /** Whether the component these runs belong to has started (its repository is there). */
    public boolean isStarted() {
        return repository.get() != null;
    }

    FlowCheckpoints checkpoints() {
        return checkpoints;
    }

    /** Contexts reused across runs (header CamelFlowStateContextId): their state and active run. */
    public FlowContexts contexts() {
        return contexts;
    }

    /** The component's clock: every time of these runs comes from it (option clock). */
    public Clock clock() {
        return clock;
    }

    /** Builds runs and attaches them to exchanges. */
    RunStarts starts() {
        return starts;
    }

    /** Saves runs from one status to the next. */
    RunTransitions transitions() {
        return transitions;
    }

    // ------------------------------------------------------------------ starting and attaching

    /**
     * The run the exchange carries, or a new one of the flow named after the exchange's route. Copies made by split or
     * multicast cannot start it: their runs would be lost when the copies end.
     */
    public FlowExecution attach(Exchange exchange) {
        return starts.attach(exchange);
    }

    /**
     * Starts a run and attaches it to the exchange. When the exchange already carries a run (e.g. a route re-entered
     * on resume) that run is kept and only takes the flow's checkpoint policy and unrecorded steps; naming another
     * state class fails rather than silently using a run of a different shape. Naming another flow starts an inner
     * run of that flow, attached while its route runs (see {@link #endInner}).
     */
    public FlowExecution start(Exchange exchange, StartOptions options) {
        return start(exchange, options, null);
    }

    /**
     * As {@link #start(Exchange, StartOptions)}; a new run with a business key is saved at once, which claims the key
     * in the repository (an exchange that carries a run already keeps it, whatever the key).
     *
     * @param  businessKey                   the new run's business key (validated), or null
     * @throws DuplicateBusinessKeyException when another unfinished run of the flow has the key: no run was started
     *                                       and the exchange carries none
     */
    public FlowExecution start(Exchange exchange, StartOptions options, String businessKey) {
        FlowExecution attached = exchange.getProperty(FlowStateConstants.EXECUTION, FlowExecution.class);
        if (attached != null && options.flowId() != null && !options.flowId().equals(attached.getFlowId())) {
            return inner.startInner(exchange, attached, options);
        }
        return starts.start(exchange, options, businessKey);
    }

    /**
     * The route of an inner run ended: finish the inner run (COMPLETED or FAILED once saved) and attach its parent
     * again; if the inner run suspended, the parent is saved SUSPENDED waiting for it.
     */
    public void endInner(Exchange exchange, FlowExecution child) {
        inner.endInner(exchange, child);
    }

    /**
     * Attaches a stored run to the exchange, e.g. after a hop where only the execution id travelled. Changes nothing
     * stored; a finished run can be read but not saved again. When the exchange carries this run already, that run is
     * kept as it is (with its unsaved changes).
     *
     * @param stateClass the typed state's class to check the stored state against, or null
     */
    public FlowExecution restore(Exchange exchange, String executionId, Class<?> stateClass) {
        return starts.restore(exchange, executionId, stateClass);
    }

    // ------------------------------------------------------------------ saving

    /**
     * Refuses to start a step of a RUNNING run whose lease, as this node last saved it, has lapsed: once it has, another
     * node may have taken the run over (see {@link LeaseLapsedException}).
     */
    public void requireLease(FlowExecution run) {
        Instant until = run.saveState().leaseUntil();
        Instant now = clock.instant();
        if (until != null && run.getStatus() == FlowStatus.RUNNING && until.isBefore(now)) {
            throw new LeaseLapsedException("Run " + run.getExecutionId() + " of flow '" + run.getFlowId() + "': this"
                                           + " node's lease on it ended at " + until + ", before " + now + " (the"
                                           + " process was paused, or could not renew it), so another node may have"
                                           + " taken it over. This node starts no further step of it; it stays as"
                                           + " stored and continues where its lease is held, or through recovery.");
        }
    }

    /** Checkpoint now: saves the run RUNNING (with a renewed lease); from now on its carrier's end finishes it. */
    public long snapshot(FlowExecution run) {
        return transitions.snapshot(run);
    }

    /**
     * For the checkpoint after a step that is the last processor of its route (at its top level): whether the write
     * that completes the run can record the step instead, as nothing can run between the two. That holds when the
     * exchange is in that route alone (not called from another route through direct), is the run's carrier (not a
     * split or multicast copy), the route is the run's own, and the run is no inner run and is finished when its carrier
     * ends. Then the run's completion is told it records the step (and makes its failure the exchange's); otherwise
     * returns false and the caller checkpoints as usual.
     */
    public boolean leaveCheckpointToCompletion(Exchange exchange, FlowExecution run) {
        return transitions.leaveCheckpointToCompletion(exchange, run);
    }

    /** Saves the run COMPLETED: its final snapshot. */
    public long complete(FlowExecution run) {
        return transitions.complete(run);
    }

    /**
     * Forgets a run that turned out to have nothing to do (e.g. a trigger that found no change): when it was never
     * saved and is no inner run, it is taken off the exchange and leaves nothing anywhere. A saved run is kept.
     *
     * @return whether the run was forgotten
     */
    public boolean forget(Exchange exchange, FlowExecution run) {
        return transitions.forget(exchange, run);
    }

    /**
     * Suspends the run at the suspend step {@code name}: saves it SUSPENDED with the hash of a new resume token, and
     * forgets it on this node. The caller stops the exchange.
     *
     * @param  timeout       how long to wait for a resume before the recovery task continues the run timed out, or
     *                       null
     * @param  approvalRules what a resume must meet beyond the token (stored with the run), or null
     * @return               the reply: execution id, resume token (given out only here) and what the run waits for
     */
    public Map<String, Object> suspend(FlowExecution run, String name, Duration timeout, ObjectNode approvalRules) {
        return transitions.suspend(run, name, timeout, approvalRules);
    }

    /**
     * Durable sleep: records {@code body} as the result of the sleep step {@code name} (what the step gives when the
     * run wakes up), saves the run SUSPENDED until now + {@code duration} without a new resume token (no caller can
     * resume it), and forgets it on this node. The recovery task of any node continues it once the time has passed. The
     * caller stops the exchange.
     *
     * @return the reply: execution id, the sleep's name and when the run wakes up
     */
    public Map<String, Object> sleep(FlowExecution run, String name, JsonNode body, Duration duration) {
        return transitions.sleep(run, name, body, duration);
    }

    /**
     * Cancels a stored run ({@code flowstate:cancel}). A SUSPENDED or sleeping run, or a RUNNING run whose lease
     * expired, is saved CANCELLED at once (compare-and-set on its version): its scratch directory here is removed and
     * the flow's onCancel route runs once. A RUNNING run a live node holds gets a cancel request: that node ends it
     * CANCELLED at its next step boundary (its next save), runs no further step, and runs onCancel there.
     *
     * @param  actor                   who cancels (recorded in the history), or null
     * @param  reason                  why (recorded in the history), or null
     * @throws FlowRunNotFoundException when no such run is stored
     * @throws RunNotCancellableException when the run is finished already; nothing is changed then
     * @throws FlowStateException          when the actor or reason is too long; nothing is changed then
     */
    public CancelOutcome cancel(String executionId, String actor, String reason) {
        return cancels.cancel(executionId, actor, reason);
    }

    /**
     * The stored run whose history {@code flowstate:history} shows.
     *
     * @throws FlowRunNotFoundException when no such run is stored
     */
    public FlowSnapshot stored(String executionId) {
        return starts.load(executionId);
    }

    /** The RUNNING runs this node carries now and when their leases end: for the dev console. */
    public List<RunningRun> runningRuns() {
        return leases.running();
    }

    /** Renews the leases of this node's RUNNING runs whose lease ends within {@code margin}; see LeaseRenewals. */
    int renewLeases(Duration margin) {
        return leases.renew(margin);
    }

    // ------------------------------------------------------------------ scopes

    /** The {@code flow} scope of a flow: memory shared by all its runs in this CamelContext. */
    public StateStore flowScope(String flowId) {
        return flowStates.computeIfAbsent(flowId, id -> new LocalStateStore(json, null));
    }

    /** The {@code persistent} scope of a flow, in the repository. */
    public StateStore persistentScope(String flowId) {
        return new RepositoryStateStore(repository.get(), flowId, json, clock, observers::valueConflicted);
    }

    /** The {@code global} scope: values shared by all flows in the repository, keys are paths. */
    public StateStore globalScope() {
        return RepositoryStateStore.global(repository.get(), json, clock, observers::valueConflicted);
    }
}
