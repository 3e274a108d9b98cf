package io.flowstate.camel;

import java.util.LinkedHashMap;
import java.util.Map;

import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.execution.FlowExecutions;
import io.flowstate.camel.execution.FlowExecutions.StartOptions;
import io.flowstate.camel.execution.OnDuplicate;
import io.flowstate.camel.snapshot.DuplicateBusinessKeyException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * {@code flowstate:start} with a business key: the new run is saved at once, and the repository refuses it while
 * another unfinished run of the flow holds the key. Then {@code onDuplicate=reject} fails the exchange naming that run,
 * and {@code attach} attaches that run read-only (as restore does) and replies with its current answer: headers
 * {@code CamelFlowStateExecutionId}, {@code CamelFlowStateStatus}, {@code CamelFlowStateWaitingFor}, and a body map
 * of {@code executionId}, {@code status}, {@code waitingFor}, {@code wakeAt}, {@code businessKey}; the route stops.
 * The resume token of a suspended run is not repeated: only its hash is stored, and it went to the caller that
 * suspended it.
 */
final class KeyedStart {

    /** A holder may finish between the refusal and the attach: the key is then free, and the start is tried again. */
    private static final int ATTEMPTS = 5;

    private final FlowExecutions executions;
    private final StartOptions options;
    private final OnDuplicate onDuplicate;
    private final Class<?> stateClass;

    KeyedStart(FlowExecutions executions, StartOptions options, OnDuplicate onDuplicate, Class<?> stateClass) {
        this.executions = executions;
        this.options = options;
        this.onDuplicate = onDuplicate;
        this.stateClass = stateClass;
    }

    void start(Exchange exchange, String businessKey, FlowSnapshotRepository repository) {
        DuplicateBusinessKeyException refused = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                executions.start(exchange, options, businessKey);
                return;
            } catch (DuplicateBusinessKeyException e) {
                refused = e;
            }
            String existing = refused.getExistingExecutionId();
            if (existing == null) {
                continue;
            }
            if (onDuplicate == OnDuplicate.REJECT) {
                throw new DuplicateBusinessKeyException(refused.getFlowId(), businessKey, existing,
                        "Flow '" + refused.getFlowId() + "' has an unfinished run with business key '" + businessKey
                                                                                     + "': run " + existing
                                                                                     + ". No run was started"
                                                                                     + " (onDuplicate=reject; one"
                                                                                     + " unfinished run per flow and"
                                                                                     + " business key). Use"
                                                                                     + " onDuplicate=attach to answer"
                                                                                     + " with that run instead");
            }
            FlowSnapshot stored = repository.load(existing).orElse(null);
            if (stored != null && !stored.status().isFinished()) {
                attach(exchange, stored);
                return;
            }
        }
        throw refused;
    }

    private void attach(Exchange exchange, FlowSnapshot stored) {
        FlowExecution run = executions.restore(exchange, stored.executionId(), stateClass);
        Message message = exchange.getMessage();
        message.setHeader(FlowStateConstants.STATUS, stored.status());
        if (stored.waitingFor() != null) {
            message.setHeader(FlowStateConstants.WAITING_FOR, stored.waitingFor());
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("executionId", run.getExecutionId());
        reply.put("status", stored.status().name());
        reply.put("waitingFor", stored.waitingFor());
        reply.put("wakeAt", stored.wakeAt() == null ? null : stored.wakeAt().toString());
        reply.put("businessKey", stored.businessKey());
        message.setBody(reply);
        exchange.setRouteStop(true);
    }
}
