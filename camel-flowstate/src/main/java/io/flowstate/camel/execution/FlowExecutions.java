package io.flowstate.camel.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.state.JsonValues;
import io.flowstate.camel.state.LocalStateStore;
import io.flowstate.camel.state.RepositoryStateStore;
import io.flowstate.camel.state.StateSchema;
import io.flowstate.camel.state.StateStore;
import io.flowstate.camel.support.Identifiers;
import io.flowstate.camel.support.RunIds;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;

/**
 * Starts runs and attaches them to exchanges, and holds what runs of one flow share in this CamelContext (the
 * {@code flow} scope). One per component.
 */
public class FlowExecutions {

    /** Flow id of runs started outside any route, e.g. by a ProducerTemplate sending straight to flowstate:. */
    public static final String DEFAULT_FLOW_ID = "default";

    private final JsonValues json;
    private final Supplier<FlowSnapshotRepository> repository;
    private final Clock clock;
    private final Map<String, LocalStateStore> flowStates = new ConcurrentHashMap<>();
    private final Map<Class<?>, StateSchema> schemas = new ConcurrentHashMap<>();
    private final FlowCheckpoints checkpoints;

    public FlowExecutions(JsonValues json, Supplier<FlowSnapshotRepository> repository, Clock clock) {
        this.json = json;
        this.repository = repository;
        this.clock = clock;
        this.checkpoints = new FlowCheckpoints(json, repository, clock);
    }

    /**
     * @param nodeId        who holds the leases of the runs this node saves while RUNNING
     * @param leaseDuration how long such a lease lasts without a new save
     */
    public void configure(String nodeId, Duration leaseDuration) {
        checkpoints.configure(nodeId, leaseDuration);
    }

    public JsonValues json() {
        return json;
    }

    /**
     * The run the exchange carries, or a new one of the flow named after the exchange's route. Copies made by split or
     * multicast cannot start it: their runs would be lost when the copies end.
     */
    public FlowExecution attach(Exchange exchange) {
        FlowExecution attached = exchange.getProperty(FlowStateConstants.EXECUTION, FlowExecution.class);
        if (attached != null) {
            return attached;
        }
        if (exchange.getProperty(ExchangePropertyKey.CORRELATION_ID) != null) {
            throw new FlowStateException("This exchange is a copy made by a split, multicast or similar EIP and carries"
                                         + " no flow run. Start the run before the split (flowstate:start) so that"
                                         + " every copy shares it, or start one run per copy with flowstate:start"
                                         + " inside the split.");
        }
        return start(exchange, null, null);
    }

    /**
     * Starts a run and attaches it to the exchange; when the exchange already carries a run, that run is returned
     * unchanged (so a route re-entered on resume does not start a second run), unless the call names another flow or
     * state class, which fails rather than silently using a run of a different shape.
     *
     * @param flowId     the flow id, or null for the id of the route the exchange came from
     * @param stateClass the typed state's class, or null for free-form state
     */
    public FlowExecution start(Exchange exchange, String flowId, Class<?> stateClass) {
        FlowExecution attached = exchange.getProperty(FlowStateConstants.EXECUTION, FlowExecution.class);
        if (attached != null) {
            boolean otherFlow = flowId != null && !flowId.equals(attached.getFlowId());
            StateSchema schema = attached.state().schema();
            boolean otherType = stateClass != null && (schema == null || schema.type() != stateClass);
            if (otherFlow || otherType) {
                throw new FlowStateException("This exchange already carries run " + attached.getExecutionId()
                                             + " of flow '" + attached.getFlowId() + "'"
                                             + (schema == null ? "" : " typed as " + schema.type().getName())
                                             + "; flowstate:start cannot start " + (otherFlow ? "flow '" + flowId + "'" : "")
                                             + (otherFlow && otherType ? " with " : "")
                                             + (otherType ? "state class " + stateClass.getName() : "")
                                             + " on it. Start the run once, at the beginning of the flow.");
            }
            return attached;
        }
        String routeId = exchange.getFromRouteId();
        String id = flowId != null ? flowId : routeId != null ? routeId : DEFAULT_FLOW_ID;
        if (!Identifiers.isName(id)) {
            throw new FlowStateException("The flow id '" + id + "' (from " + (flowId != null ? "flowstate:start" : "the route id")
                                         + ") is not valid: name the flow explicitly with flowstate:start:myFlow, using"
                                         + " letters, digits and _ . : -");
        }
        Instant now = clock.instant();
        FlowExecution execution = new FlowExecution(
                RunIds.next(now), id, routeId, now, new LocalStateStore(json, schema(stateClass)), this,
                RunInput.of(exchange.getMessage(), json), new StepResults(), FlowStatus.RUNNING, 0);
        attachTo(exchange, execution);
        return execution;
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
        FlowSnapshot stored = repository.get().load(executionId).orElseThrow(() -> new FlowRunNotFoundException(
                "No run " + executionId + " is stored: it was never saved (a run is saved by flowstate:snapshot,"
                                                                                     + " checkpoints and suspends) or"
                                                                                     + " retention removed it."));
        FlowExecution execution = new FlowExecution(
                stored.executionId(), stored.flowId(), stored.routeId(), stored.createdAt(),
                LocalStateStore.restored(json, schema(stateClass), stored.state()), this,
                RunInput.of(stored.input()), StepResults.restored(stored.results(), stored.completedSteps()),
                stored.status(), stored.version());
        attachTo(exchange, execution);
        if (stored.status() == FlowStatus.RUNNING) {
            execution.finishWithCarrier(checkpoints);
        }
        return execution;
    }

    /** Checkpoint now: saves the run RUNNING (with a renewed lease); from now on its carrier's end finishes it. */
    public long snapshot(FlowExecution run) {
        long version = checkpoints.save(run, FlowStatus.RUNNING, null);
        run.finishWithCarrier(checkpoints);
        return version;
    }

    /** Saves the run COMPLETED: its final snapshot. */
    public long complete(FlowExecution run) {
        return checkpoints.save(run, FlowStatus.COMPLETED, null);
    }

    private StateSchema schema(Class<?> stateClass) {
        return stateClass == null ? null : schemas.computeIfAbsent(stateClass, c -> new StateSchema(c, json.mapper()));
    }

    private static void attachTo(Exchange exchange, FlowExecution execution) {
        exchange.setProperty(FlowStateConstants.EXECUTION, execution);
        execution.carriedBy(exchange);
        exchange.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, execution.getExecutionId());
        exchange.getMessage().setHeader(FlowStateConstants.FLOW_ID, execution.getFlowId());
    }

    /** The {@code flow} scope of a flow: memory shared by all its runs in this CamelContext. */
    public StateStore flowScope(String flowId) {
        return flowStates.computeIfAbsent(flowId, id -> new LocalStateStore(json, null));
    }

    /** The {@code persistent} scope of a flow, in the repository. */
    public StateStore persistentScope(String flowId) {
        return new RepositoryStateStore(repository.get(), flowId, json);
    }
}
