package io.flowstate.camel.execution;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.HistoryEvent;
import io.flowstate.camel.state.JsonValues;
import io.flowstate.camel.state.LocalStateStore;
import io.flowstate.camel.state.StateSchema;
import io.flowstate.camel.support.BusinessKeys;
import io.flowstate.camel.support.Identifiers;
import io.flowstate.camel.support.RunIds;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;

/**
 * Builds runs and attaches them to exchanges: a new run, the run an exchange already carries (a route re-entered on
 * resume), a stored run read back (restore, resume, recovery).
 */
final class RunStarts {

    private final FlowExecutions executions;
    private final JsonValues json;
    private final Supplier<FlowSnapshotRepository> repository;
    private final Clock clock;
    private final FlowContexts contexts;
    private final RunTransitions transitions;
    private final Map<Class<?>, StateSchema> schemas = new ConcurrentHashMap<>();
    private volatile CheckpointPolicy defaultCheckpoint = CheckpointPolicy.AFTER_EACH_STEP;

    RunStarts(FlowExecutions executions, Supplier<FlowSnapshotRepository> repository, Clock clock,
              FlowContexts contexts, RunTransitions transitions) {
        this.executions = executions;
        this.json = executions.json();
        this.repository = repository;
        this.clock = clock;
        this.contexts = contexts;
        this.transitions = transitions;
    }

    /** @param checkpoint the checkpoint policy of flows that do not set their own */
    void useDefaultCheckpoint(CheckpointPolicy checkpoint) {
        this.defaultCheckpoint = checkpoint;
    }

    /**
     * The run the exchange carries, or a new one of the flow named after the exchange's route. Copies made by split or
     * multicast cannot start it: their runs would be lost when the copies end.
     */
    FlowExecution attach(Exchange exchange) {
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
        return begin(exchange, FlowExecutions.StartOptions.DEFAULTS, null);
    }

    /**
     * Starts a run of the exchange's flow and attaches it to the exchange. When the exchange already carries a run of
     * that flow (e.g. a route re-entered on resume) that run is kept and only takes the flow's checkpoint policy and
     * unrecorded steps; naming another state class fails rather than silently using a run of a different shape.
     */
    FlowExecution start(Exchange exchange, FlowExecutions.StartOptions options, String businessKey) {
        FlowExecution attached = exchange.getProperty(FlowStateConstants.EXECUTION, FlowExecution.class);
        if (attached == null) {
            return begin(exchange, options, businessKey);
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
        checkSameStateClass(attached, options);
        applyFlowOptions(attached, options);
        return attached;
    }

    /** Begins a new run on an exchange that carries none (the caller looked): {@link #start} and {@link #attach}. */
    private FlowExecution begin(Exchange exchange, FlowExecutions.StartOptions options, String businessKey) {
        String contextId = exchange.getMessage().getHeader(FlowStateConstants.CONTEXT_ID, String.class);
        String routeId = exchange.getFromRouteId();
        String id = options.flowId() != null ? options.flowId()
                : routeId != null ? routeId : FlowExecutions.DEFAULT_FLOW_ID;
        if (!Identifiers.isFlowId(id)) {
            throw new FlowStateException("The flow id '" + id + "' (from "
                                         + (options.flowId() != null ? "flowstate:start" : "the route id")
                                         + ") is not valid: name the flow explicitly with flowstate:start:myFlow, using"
                                         + " letters, digits and _ . : -");
        }
        if (contextId != null) {
            Identifiers.requireContextId(contextId);
        }
        if (businessKey != null) {
            BusinessKeys.require(businessKey);
        }
        StateSchema schema = schema(options.stateClass());
        String startedBy = Actors.of(exchange, "the start of a run");
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
                executionId, id, routeId, now, state, executions,
                RunInput.of(exchange.getMessage(), json), null, FlowStatus.RUNNING, 0, null, null);
        execution.setStartedBy(startedBy);
        if (!own.isEmpty()) {
            execution.resources().addOwn(own);
        }
        applyFlowOptions(execution, options);
        execution.recordEvent(HistoryEvent.of(HistoryEvent.Type.STARTED, now)
                .actor(exchange.getMessage().getHeader(FlowStateConstants.ACTOR, String.class)).build());
        attachTo(exchange, execution);
        executions.observers().started(execution);
        if (contextId != null) {
            execution.setContextId(contextId);
        }
        execution.setBusinessKey(businessKey);
        if (contextId != null || businessKey != null) {
            try {
                // saved at once: whether the context is in use is read from the repository, on any node, and the
                // repository's unique business key is what refuses a second unfinished run with the key
                transitions.snapshot(execution);
            } catch (RuntimeException e) {
                if (contextId != null) {
                    contexts.released(execution);
                }
                exchange.removeProperty(FlowStateConstants.EXECUTION);
                exchange.getMessage().removeHeader(FlowStateConstants.EXECUTION_ID);
                throw e;
            }
        }
        return execution;
    }

    /**
     * Attaches a stored run to the exchange, e.g. after a hop where only the execution id travelled. Changes nothing
     * stored; a finished run can be read but not saved again. When the exchange carries this run already, that run is
     * kept as it is (with its unsaved changes).
     *
     * @param stateClass the typed state's class to check the stored state against, or null
     */
    FlowExecution restore(Exchange exchange, String executionId, Class<?> stateClass) {
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
            executions.resourceCatalog().check(stored.executionId(), stored.flowId(), stored.routeId(),
                    stored.resourceNames(), own);
        }
        exchange.getMessage().removeHeader(FlowStateConstants.RESOURCES);
        FlowExecution execution = fromSnapshot(stored, stored.status(), stored.version(), stateClass);
        execution.resources().addOwn(own);
        execution.resources().setFlow(executions.resourceCatalog().flowResources(stored.routeId(), stored.flowId()));
        // read-only until this node saves it (flowstate:snapshot): another node may be running it, so no lease is
        // taken and the end of this exchange does not finish it, nor end it here: what the run holds on this node
        // (its scratch directory) stays for its owner
        execution.hooks().markAttachedOnly();
        attachTo(exchange, execution);
        return execution;
    }

    /**
     * A copy made by split, multicast or recipientList: it carries the id of the exchange it was copied from. After
     * such an EIP the original exchange goes on with the copies' properties, so its own id there does not count.
     */
    private static boolean isCopy(Exchange exchange) {
        String correlationId = exchange.getProperty(ExchangePropertyKey.CORRELATION_ID, String.class);
        return correlationId != null && !correlationId.equals(exchange.getExchangeId());
    }

    /** A stored run, or FlowRunNotFoundException naming what to check. */
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
                LocalStateStore.restored(json, schema(stateClass), json.secrets().openAll(stored.state(), json)),
                executions, RunInput.of(stored.input()), StepResults.restored(stored.results(), stored.completedSteps()),
                status, version, stored.parentExecutionId(), stored.approvals());
        execution.setStartedBy(stored.startedBy());
        execution.setCheckpointPolicy(defaultCheckpoint);
        execution.setContextId(stored.contextId());
        execution.setAttempt(stored.attempt());
        execution.setBusinessKey(stored.businessKey());
        execution.markFromRepository();
        if (!stored.resourceNames().isEmpty()) {
            execution.resources().restoreNames(stored.resourceNames());
        }
        return execution;
    }

    /** The exchange carries the run from now on: exchange property, carrier, and the id and attempt headers. */
    static void attachTo(Exchange exchange, FlowExecution execution) {
        exchange.setProperty(FlowStateConstants.EXECUTION, execution);
        execution.hooks().carriedBy(exchange);
        exchange.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, execution.getExecutionId());
        exchange.getMessage().setHeader(FlowStateConstants.FLOW_ID, execution.getFlowId());
        exchange.getMessage().setHeader(FlowStateConstants.ATTEMPT, execution.getAttempt());
    }

    /** What the flow's flowstate:start declares, given to a run of it. */
    void applyFlowOptions(FlowExecution run, FlowExecutions.StartOptions options) {
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
    static Map<String, Object> takeResources(Exchange exchange) {
        Object header = exchange.getMessage().getHeader(FlowStateConstants.RESOURCES);
        if (header == null) {
            return Map.of();
        }
        Map<String, Object> own = RunResources.fromHeader(header);
        exchange.getMessage().removeHeader(FlowStateConstants.RESOURCES);
        return own;
    }

    /** The run the exchange carries is of the flow starting (an inner flow starts a run of its own, see InnerRuns). */
    private static void checkSameStateClass(FlowExecution attached, FlowExecutions.StartOptions options) {
        StateSchema schema = attached.state().schema();
        Class<?> stateClass = options.stateClass();
        if (stateClass != null && (schema == null || schema.type() != stateClass)) {
            throw new FlowStateException("This exchange already carries run " + attached.getExecutionId()
                                         + " of flow '" + attached.getFlowId() + "'"
                                         + (schema == null ? "" : " typed as " + schema.type().getName())
                                         + "; flowstate:start cannot start state class " + stateClass.getName()
                                         + " on it. Start the run once, at the beginning of the flow.");
        }
    }

    StateSchema schema(Class<?> stateClass) {
        return stateClass == null ? null : schemas.computeIfAbsent(stateClass, c -> new StateSchema(c, json));
    }
}
