package io.flowstate.camel.execution;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
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

    public FlowExecutions(JsonValues json, Supplier<FlowSnapshotRepository> repository, Clock clock) {
        this.json = json;
        this.repository = repository;
        this.clock = clock;
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
        StateSchema schema = stateClass == null ? null : schemas.computeIfAbsent(stateClass, c -> new StateSchema(c, json.mapper()));
        Instant now = clock.instant();
        FlowExecution execution = new FlowExecution(
                RunIds.next(now), id, routeId, now, new LocalStateStore(json, schema), this);
        exchange.setProperty(FlowStateConstants.EXECUTION, execution);
        exchange.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, execution.getExecutionId());
        exchange.getMessage().setHeader(FlowStateConstants.FLOW_ID, id);
        return execution;
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
