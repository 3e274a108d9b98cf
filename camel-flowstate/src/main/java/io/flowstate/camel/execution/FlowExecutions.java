package io.flowstate.camel.execution;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.resource.FlowResourceCatalog;
import io.flowstate.camel.resource.WorkDirectories;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.state.JsonValues;
import io.flowstate.camel.state.LocalStateStore;
import io.flowstate.camel.state.RepositoryStateStore;
import io.flowstate.camel.state.StateSchema;
import io.flowstate.camel.state.StateStore;
import io.flowstate.camel.support.Identifiers;
import io.flowstate.camel.support.ResumeTokens;
import io.flowstate.camel.support.RunIds;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.support.ExchangeHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, attaches, saves, suspends and finishes runs, and holds what the runs of one flow share in this CamelContext
 * (the {@code flow} scope). One per component.
 */
public class FlowExecutions {

    private static final Logger LOG = LoggerFactory.getLogger(FlowExecutions.class);

    /** Flow id of runs started outside any route, e.g. by a ProducerTemplate sending straight to flowstate:. */
    public static final String DEFAULT_FLOW_ID = "default";

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
    private final Map<Class<?>, StateSchema> schemas = new ConcurrentHashMap<>();
    private final FlowCheckpoints checkpoints;
    private final FlowContexts contexts;
    /** RUNNING runs this node saved and still carries: their leases are renewed while their steps run. */
    private final Set<FlowExecution> active = ConcurrentHashMap.newKeySet();
    private volatile CheckpointPolicy defaultCheckpoint = CheckpointPolicy.AFTER_EACH_STEP;
    private volatile CamelContext context;
    private volatile WorkDirectories workDirectories;
    private volatile FlowResourceCatalog resourceCatalog;

    public FlowExecutions(JsonValues json, Supplier<FlowSnapshotRepository> repository, Clock clock) {
        this.json = json;
        this.repository = repository;
        this.clock = clock;
        this.checkpoints = new FlowCheckpoints(json, repository, clock);
        this.contexts = new FlowContexts(json, repository, checkpoints, clock);
    }

    /**
     * @param nodeId        who holds the leases of the runs this node saves while RUNNING
     * @param leaseDuration how long such a lease lasts without a new save
     * @param checkpoint    the checkpoint policy of flows that do not set their own
     */
    public void configure(String nodeId, Duration leaseDuration, CheckpointPolicy checkpoint) {
        checkpoints.configure(nodeId, leaseDuration);
        this.defaultCheckpoint = checkpoint;
    }

    /** The CamelContext whose registry resources fall back to; set when the component starts. */
    public void useContext(CamelContext context, BiFunction<String, String, Map<String, Object>> declaredResources) {
        this.context = context;
        this.resourceCatalog = new FlowResourceCatalog(context, declaredResources);
    }

    /** The runs' scratch directories; set when the component starts. */
    public void useWorkDirectories(WorkDirectories workDirectories) {
        this.workDirectories = workDirectories;
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

    FlowSnapshotRepository repository() {
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

    Clock clock() {
        return clock;
    }

    // ------------------------------------------------------------------ starting and attaching

    /**
     * The run the exchange carries, or a new one of the flow named after the exchange's route. Copies made by split or
     * multicast cannot start it: their runs would be lost when the copies end.
     */
    public FlowExecution attach(Exchange exchange) {
        FlowExecution attached = exchange.getProperty(FlowStateConstants.EXECUTION, FlowExecution.class);
        if (attached != null) {
            return attached;
        }
        if (isCopy(exchange)) {
            throw new FlowStateException("This exchange is a copy made by a split, multicast or similar EIP and carries"
                                         + " no flow run. Start the run before the split (flowstate:start) so that"
                                         + " every copy shares it, or start one run per copy with flowstate:start"
                                         + " inside the split.");
        }
        return begin(exchange, StartOptions.DEFAULTS);
    }

    /**
     * Starts a run and attaches it to the exchange. When the exchange already carries a run (e.g. a route re-entered
     * on resume) that run is kept and only takes the flow's checkpoint policy and unrecorded steps; naming another
     * flow or state class fails rather than silently using a run of a different shape.
     */
    public FlowExecution start(Exchange exchange, StartOptions options) {
        FlowExecution attached = exchange.getProperty(FlowStateConstants.EXECUTION, FlowExecution.class);
        if (attached == null) {
            return begin(exchange, options);
        }
        if (options.flowId() != null && !options.flowId().equals(attached.getFlowId())) {
            return startInner(exchange, attached, options);
        }
        String contextId = exchange.getMessage().getHeader(FlowStateConstants.CONTEXT_ID, String.class);
        if (contextId != null && !contextId.equals(attached.getContextId())) {
            throw new FlowStateException("This exchange already carries run " + attached.getExecutionId()
                                         + (attached.getContextId() == null ? ", which belongs to no context"
                                                 : " of context '" + attached.getContextId() + "'")
                                         + "; header " + FlowStateConstants.CONTEXT_ID + " '" + contextId
                                         + "' cannot move it into another. Set the header before the run starts.");
        }
        if (attached.isFromRepository() && attached.state().schema() == null && options.stateClass() != null) {
            attached.adoptStateClass(schema(options.stateClass()));
        }
        checkSameShape(attached, options);
        applyFlowOptions(attached, options);
        return attached;
    }

    /** Begins a new run on an exchange that carries none (the caller looked): {@link #start} and {@link #attach}. */
    private FlowExecution begin(Exchange exchange, StartOptions options) {
        String contextId = exchange.getMessage().getHeader(FlowStateConstants.CONTEXT_ID, String.class);
        String routeId = exchange.getFromRouteId();
        String id = options.flowId() != null ? options.flowId() : routeId != null ? routeId : DEFAULT_FLOW_ID;
        if (!Identifiers.isFlowId(id)) {
            throw new FlowStateException("The flow id '" + id + "' (from "
                                         + (options.flowId() != null ? "flowstate:start" : "the route id")
                                         + ") is not valid: name the flow explicitly with flowstate:start:myFlow, using"
                                         + " letters, digits and _ . : -");
        }
        if (contextId != null) {
            Identifiers.requireContextId(contextId);
        }
        StateSchema schema = schema(options.stateClass());
        Map<String, Object> own = takeResources(exchange);
        if (contextId != null) {
            exchange.getMessage().removeHeader(FlowStateConstants.CONTEXT_ID);
        }
        Instant now = clock.instant();
        String executionId = RunIds.next(now);
        LocalStateStore state = new LocalStateStore(json, schema);
        if (contextId != null) {
            ObjectNode stored = contexts.claim(contextId, executionId, id);
            try {
                if (!stored.isEmpty()) {
                    state = LocalStateStore.restored(json, schema, json.secrets().openAll(stored, json));
                }
            } catch (RuntimeException e) {
                contexts.released(executionId, id, contextId);
                throw new FlowStateException("The state of context '" + contextId + "' does not fit flow '" + id
                                             + "': " + e.getMessage(), e);
            }
        }
        FlowExecution execution = new FlowExecution(
                executionId, id, routeId, now, state, this,
                RunInput.of(exchange.getMessage(), json), null, FlowStatus.RUNNING, 0, null);
        if (!own.isEmpty()) {
            execution.resources().addOwn(own);
        }
        applyFlowOptions(execution, options);
        attachTo(exchange, execution);
        if (contextId != null) {
            execution.setContextId(contextId);
            try {
                // saved at once: whether the context is in use is read from the repository, on any node
                snapshot(execution);
            } catch (RuntimeException e) {
                contexts.released(execution);
                exchange.removeProperty(FlowStateConstants.EXECUTION);
                throw e;
            }
        }
        return execution;
    }

    /**
     * An inner flow: {@code flowstate:start:CHILD} reached from a step of another run (e.g. through to("direct:…"))
     * starts a child run linked to it, attached while the inner flow's route runs (then the parent is attached again,
     * see {@link #endInner}). Its id is derived from the parent's, so when the parent's route is re-entered (resume,
     * recovery) the same inner run is found and continued instead of starting another.
     */
    private FlowExecution startInner(Exchange exchange, FlowExecution parent, StartOptions options) {
        if (!Identifiers.isFlowId(options.flowId())) {
            throw new FlowStateException("The flow id '" + options.flowId() + "' is not valid");
        }
        String childId = parent.nextChildId(options.flowId(), place(exchange));
        FlowSnapshot stored = repository.get().load(childId).orElse(null);
        FlowExecution child;
        Map<String, Object> own = takeResources(exchange);
        if (stored == null) {
            Instant now = clock.instant();
            child = new FlowExecution(childId, options.flowId(), ExchangeHelper.getAtRouteId(exchange), now,
                    new LocalStateStore(json, schema(options.stateClass())), this,
                    RunInput.of(exchange.getMessage(), json), new StepResults(), FlowStatus.RUNNING, 0,
                    parent.getExecutionId());
        } else if (stored.status().isFinished()) {
            // the parent is re-entered after its inner run finished: every step of it is completed and replays
            child = fromSnapshot(stored, stored.status(), stored.version(), options.stateClass());
        } else {
            ResumeSignal signal = parent.childSignals().remove(childId);
            if (stored.status() == FlowStatus.SUSPENDED && signal == null) {
                throw new FlowStateException("The inner run " + childId + " of flow '" + options.flowId()
                                             + "' is suspended at '" + stored.waitingFor()
                                             + "': resume that run with its own token");
            }
            child = fromSnapshot(stored, FlowStatus.RUNNING, checkpoints.claim(stored), options.stateClass());
            child.setResumeSignal(signal);
        }
        child.setParentRun(parent);
        Map<String, Object> inherited = parent.resources().own();
        if (!inherited.isEmpty() || !own.isEmpty()) {
            child.resources().addOwn(inherited);
            child.resources().addOwn(own);
        }
        applyFlowOptions(child, options);
        exchange.setProperty(FlowStateConstants.EXECUTION, child);
        child.carriedBy(exchange);
        if (child.getVersion() > 0 && child.getStatus() == FlowStatus.RUNNING) {
            carryOn(child);
        }
        if (stored != null && !stored.status().isFinished()) {
            continuedHere(child);
        }
        return child;
    }

    /**
     * The route of an inner run ended: finish the inner run (COMPLETED or FAILED once saved) and attach its parent
     * again; if the inner run suspended, the parent is saved SUSPENDED waiting for it.
     */
    public void endInner(Exchange exchange, FlowExecution child) {
        FlowExecution parent = child.getParentRun();
        try {
            if (child.getStatus() == FlowStatus.SUSPENDED) {
                checkpoints.save(parent, FlowCheckpoints.Transition.suspended(
                        INNER_PREFIX + child.getExecutionId(), null, null));
                active.remove(parent);
                parent.left();
            } else if (child.getStatus() == FlowStatus.RUNNING && child.getVersion() > 0) {
                Exception failure = exchange.getException();
                finish(child, failure == null ? FlowStatus.COMPLETED : FlowStatus.FAILED,
                        failure == null ? null : failure.getClass().getName() + ": " + failure.getMessage());
            }
        } finally {
            exchange.setProperty(FlowStateConstants.EXECUTION, parent);
        }
    }

    /**
     * A copy made by split, multicast or recipientList: it carries the id of the exchange it was copied from. After
     * such an EIP the original exchange goes on with the copies' properties, so its own id there does not count.
     */
    private static boolean isCopy(Exchange exchange) {
        String correlationId = exchange.getProperty(ExchangePropertyKey.CORRELATION_ID, String.class);
        return correlationId != null && !correlationId.equals(exchange.getExchangeId());
    }

    /** What a sleeping run waits for: this prefix and the name of its sleep step. */
    public static final String SLEEP_PREFIX = "sleep:";

    /** What a parent waits for while its inner run is suspended: this prefix and the inner run's id. */
    public static final String INNER_PREFIX = "inner:";

    /** Where in the parent an inner flow starts: the iterations (split, loop, multicast branch) the exchange is in. */
    private static String place(Exchange exchange) {
        Map<?, ?> iterations = exchange.getProperty(FlowStateConstants.ITERATIONS, Map.class);
        return iterations == null ? "" : new java.util.TreeMap<>(iterations).toString();
    }

    /**
     * Attaches a stored run to the exchange, e.g. after a hop where only the execution id travelled. Changes nothing
     * stored; a finished run can be read but not saved again. When the exchange carries this run already, that run is
     * kept as it is (with its unsaved changes).
     *
     * @param stateClass the typed state's class to check the stored state against, or null
     */
    public FlowExecution restore(Exchange exchange, String executionId, Class<?> stateClass) {
        Identifiers.requireExecutionId(executionId);
        FlowExecution attached = exchange.getProperty(FlowStateConstants.EXECUTION, FlowExecution.class);
        if (attached != null) {
            if (attached.getExecutionId().equals(executionId)) {
                return attached;
            }
            throw new FlowStateException("This exchange already carries run " + attached.getExecutionId()
                                         + "; flowstate:restore cannot attach run " + executionId
                                         + " as well. Restore runs on an exchange that carries none.");
        }
        FlowSnapshot stored = load(executionId);
        Map<String, Object> own = RunResources.fromHeader(exchange.getMessage().getHeader(FlowStateConstants.RESOURCES));
        if (!stored.status().isFinished()) {
            // a run that may go on must find its resources again; a finished one is only read
            resourceCatalog.check(stored.executionId(), stored.flowId(), stored.routeId(), stored.resourceNames(), own);
        }
        exchange.getMessage().removeHeader(FlowStateConstants.RESOURCES);
        FlowExecution execution = fromSnapshot(stored, stored.status(), stored.version(), stateClass);
        execution.resources().addOwn(own);
        execution.resources().setFlow(resourceCatalog.flowResources(stored.routeId(), stored.flowId()));
        // read-only until this node saves it (flowstate:snapshot): another node may be running it, so no lease is
        // taken and the end of this exchange does not finish it, nor end it here: what the run holds on this node
        // (its scratch directory) stays for its owner
        execution.markAttachedOnly();
        attachTo(exchange, execution);
        return execution;
    }

    // ------------------------------------------------------------------ saving

    /** Checkpoint now: saves the run RUNNING (with a renewed lease); from now on its carrier's end finishes it. */
    public long snapshot(FlowExecution run) {
        long version = checkpoints.save(run, FlowCheckpoints.Transition.running());
        carryOn(run);
        return version;
    }

    /** Saves the run COMPLETED: its final snapshot. */
    public long complete(FlowExecution run) {
        long version = checkpoints.save(run, FlowCheckpoints.Transition.finished(FlowStatus.COMPLETED, null));
        active.remove(run);
        if (run.getContextId() != null) {
            contexts.completed(run);
        }
        run.ended();
        return version;
    }

    /**
     * Forgets a run that turned out to have nothing to do (e.g. a trigger that found no change): when it was never
     * saved and is no inner run, it is taken off the exchange and leaves nothing anywhere. A saved run is kept.
     *
     * @return whether the run was forgotten
     */
    public boolean forget(Exchange exchange, FlowExecution run) {
        if (run.getVersion() > 0 || run.getParentExecutionId() != null
                || exchange.getProperty(FlowStateConstants.EXECUTION) != run) {
            return false;
        }
        exchange.removeProperty(FlowStateConstants.EXECUTION);
        exchange.getMessage().removeHeader(FlowStateConstants.EXECUTION_ID);
        exchange.getMessage().removeHeader(FlowStateConstants.FLOW_ID);
        run.ended();
        return true;
    }

    /** Saves the run as finished when its carrier ends; see {@link RunCompletion}. */
    void finish(FlowExecution run, FlowStatus status, String failure) {
        try {
            checkpoints.save(run, FlowCheckpoints.Transition.finished(status, failure));
            if (run.getContextId() != null) {
                if (status == FlowStatus.COMPLETED) {
                    contexts.completed(run);
                } else {
                    contexts.released(run);
                }
            }
        } finally {
            run.ended(); // close managed resources and the scratch directory even when the final save failed
            active.remove(run);
        }
    }

    /**
     * Suspends the run at the suspend step {@code name}: saves it SUSPENDED with the hash of a new resume token, and
     * forgets it on this node. The caller stops the exchange.
     *
     * @param  timeout how long to wait for a resume before the recovery task continues the run timed out, or null
     * @return         the reply: execution id, resume token (given out only here) and what the run waits for
     */
    public Map<String, Object> suspend(FlowExecution run, String name, Duration timeout) {
        String token = ResumeTokens.newToken();
        Instant wakeAt = timeout == null ? null : clock.instant().plus(timeout);
        checkpoints.save(run, FlowCheckpoints.Transition.suspended(name, wakeAt, ResumeTokens.hash(token)));
        active.remove(run);
        run.left();
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("executionId", run.getExecutionId());
        reply.put("resumeToken", token);
        reply.put("waitingFor", name);
        return reply;
    }

    /**
     * Durable sleep: records {@code body} as the result of the sleep step {@code name} (what the step gives when the
     * run wakes up), saves the run SUSPENDED until now + {@code duration} without a resume token (no caller can resume
     * it), and forgets it on this node. The recovery task of any node continues it once the time has passed. The caller
     * stops the exchange.
     *
     * @return the reply: execution id, the sleep's name and when the run wakes up
     */
    public Map<String, Object> sleep(FlowExecution run, String name, com.fasterxml.jackson.databind.JsonNode body,
                                     Duration duration) {
        Instant wakeAt = clock.instant().plus(duration);
        run.results().complete(name, body);
        checkpoints.save(run, FlowCheckpoints.Transition.suspended(SLEEP_PREFIX + name, wakeAt, null));
        active.remove(run);
        run.left();
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("executionId", run.getExecutionId());
        reply.put("waitingFor", SLEEP_PREFIX + name);
        reply.put("wakeAt", wakeAt.toString());
        return reply;
    }

    /**
     * Renews the leases of this node's RUNNING runs whose lease ends within {@code margin}, except those being saved
     * right now (that save renews the lease, or the next pass does: a slow save of one run delays no other). A renewal
     * that fails does not keep the others from being renewed: a run another node took over (its lease had expired, e.g.
     * after a long pause of this process) is dropped from this node's runs, and its next checkpoint here fails as a
     * conflict.
     */
    int renewLeases(Duration margin) {
        Instant limit = clock.instant().plus(margin);
        int renewed = 0;
        for (FlowExecution run : active) {
            Instant until = run.getLeaseUntil();
            if (run.getStatus() != FlowStatus.RUNNING) {
                active.remove(run);
            } else if (until == null || until.isBefore(limit)) { // null: claimed from the repository, not yet known
                try {
                    if (checkpoints.renewLease(run)) {
                        renewed++;
                    }
                } catch (FlowSnapshotConflictException e) {
                    active.remove(run);
                    LOG.warn("Run {} of flow '{}' was taken over by another node while this node ran it (its lease had"
                             + " expired): this node stops renewing its lease. {}", run.getExecutionId(),
                            run.getFlowId(), e.getMessage());
                } catch (RuntimeException e) {
                    LOG.warn("Could not renew the lease of run {}, will try again: {}", run.getExecutionId(),
                            e.getMessage(), e);
                }
            }
        }
        return renewed;
    }

    // ------------------------------------------------------------------ scopes

    /** The {@code flow} scope of a flow: memory shared by all its runs in this CamelContext. */
    public StateStore flowScope(String flowId) {
        return flowStates.computeIfAbsent(flowId, id -> new LocalStateStore(json, null));
    }

    /** The {@code persistent} scope of a flow, in the repository. */
    public StateStore persistentScope(String flowId) {
        return new RepositoryStateStore(repository.get(), flowId, json);
    }

    /** The {@code global} scope: values shared by all flows in the repository, keys are paths. */
    public StateStore globalScope() {
        return RepositoryStateStore.global(repository.get(), json);
    }

    // ------------------------------------------------------------------ helpers

    FlowSnapshot load(String executionId) {
        Identifiers.requireExecutionId(executionId);
        return repository.get().load(executionId).orElseThrow(() -> new FlowRunNotFoundException(
                "No run " + executionId + " is stored: it was never saved (a run is saved by flowstate:snapshot,"
                                                                                     + " checkpoints and suspends) or"
                                                                                     + " retention removed it."));
    }

    /** A run as stored, with the status and version it has once this node holds it. */
    FlowExecution fromSnapshot(FlowSnapshot stored, FlowStatus status, long version, Class<?> stateClass) {
        FlowExecution execution = new FlowExecution(
                stored.executionId(), stored.flowId(), stored.routeId(), stored.createdAt(),
                LocalStateStore.restored(json, schema(stateClass), json.secrets().openAll(stored.state(), json)), this,
                RunInput.of(stored.input()), StepResults.restored(stored.results(), stored.completedSteps()),
                status, version, stored.parentExecutionId());
        execution.setCheckpointPolicy(defaultCheckpoint);
        execution.setContextId(stored.contextId());
        execution.markFromRepository();
        if (!stored.resourceNames().isEmpty()) {
            execution.resources().restoreNames(stored.resourceNames());
        }
        return execution;
    }

    /** The run is saved and RUNNING on this node: finish it with its carrier, renew its lease meanwhile. */
    void carryOn(FlowExecution run) {
        run.markCarriedHere();
        run.finishWithCarrier(this);
        if (run.getStatus() == FlowStatus.RUNNING) {
            active.add(run);
        }
    }

    static void attachTo(Exchange exchange, FlowExecution execution) {
        exchange.setProperty(FlowStateConstants.EXECUTION, execution);
        execution.carriedBy(exchange);
        exchange.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, execution.getExecutionId());
        exchange.getMessage().setHeader(FlowStateConstants.FLOW_ID, execution.getFlowId());
    }

    private void applyFlowOptions(FlowExecution run, StartOptions options) {
        run.setCheckpointPolicy(options.checkpoint() != null ? options.checkpoint() : defaultCheckpoint);
        if (!options.unrecordedSteps().isEmpty()) {
            run.setUnrecordedSteps(options.unrecordedSteps());
        }
        if (!options.resources().isEmpty()) {
            run.resources().setFlow(options.resources());
        }
    }

    /**
     * The run's own resources from header CamelFlowStateResources, taken off the message so that they never travel
     * further (nor into the recorded input).
     */
    private static Map<String, Object> takeResources(Exchange exchange) {
        Object header = exchange.getMessage().getHeader(FlowStateConstants.RESOURCES);
        if (header == null) {
            return Map.of();
        }
        Map<String, Object> own = RunResources.fromHeader(header);
        exchange.getMessage().removeHeader(FlowStateConstants.RESOURCES);
        return own;
    }

    private static void checkSameShape(FlowExecution attached, StartOptions options) {
        boolean otherFlow = options.flowId() != null && !options.flowId().equals(attached.getFlowId());
        StateSchema schema = attached.state().schema();
        Class<?> stateClass = options.stateClass();
        boolean otherType = stateClass != null && (schema == null || schema.type() != stateClass);
        if (otherFlow || otherType) {
            throw new FlowStateException("This exchange already carries run " + attached.getExecutionId()
                                         + " of flow '" + attached.getFlowId() + "'"
                                         + (schema == null ? "" : " typed as " + schema.type().getName())
                                         + "; flowstate:start cannot start "
                                         + (otherFlow ? "flow '" + options.flowId() + "'" : "")
                                         + (otherFlow && otherType ? " with " : "")
                                         + (otherType ? "state class " + stateClass.getName() : "")
                                         + " on it. Start the run once, at the beginning of the flow.");
        }
    }

    private StateSchema schema(Class<?> stateClass) {
        return stateClass == null ? null : schemas.computeIfAbsent(stateClass, c -> new StateSchema(c, json));
    }
}
