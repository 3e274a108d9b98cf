package io.flowstate.camel.step;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.execution.CheckpointPolicy;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.execution.FlowExecutions;
import io.flowstate.camel.execution.IterationPosition;
import io.flowstate.camel.execution.RunCancelledException;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.HistoryEvent;
import io.flowstate.camel.state.UnsupportedValueException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

/**
 * A Camel {@code step} as a flow step. On an exchange that carries a run: a step the run completed already (a resumed
 * or recovered run) is skipped and its recorded result becomes the body; otherwise the step runs, then its body is
 * recorded as {@code results.<stepKey>} and, with {@code checkpoint=afterEachStep}, the run is saved (by the write that
 * completes the run when the step is the last thing the run does: see FlowExecutions#leaveCheckpointToCompletion).
 * Exchanges that carry no run pass through untouched.
 */
final class FlowStepProcessor extends DelegateAsyncProcessor {

    private final String stepId;
    private final List<String> iterationAncestors;
    /** The last processor of its route, at its top level (see FlowStepInterceptStrategy#isLastOfRoute). */
    private final boolean lastOfRoute;

    FlowStepProcessor(String stepId, List<String> iterationAncestors, boolean lastOfRoute, Processor processor) {
        super(processor);
        this.stepId = stepId;
        this.iterationAncestors = iterationAncestors;
        this.lastOfRoute = lastOfRoute;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        FlowExecution run = FlowExecution.find(exchange).orElse(null);
        if (run == null) {
            return processor.process(exchange, callback);
        }
        if (run.getStatus() == FlowStatus.CANCELLED) {
            stopCancelled(exchange); // cancelled by another branch's checkpoint: no further step starts
            callback.done(true);
            return true;
        }
        String key = stepKey(exchange);
        if (run.results().isCompleted(key)) {
            JsonNode recorded = run.results().result(key);
            exchange.getMessage().setBody(FlowExecutions.find(exchange).json().toJava(recorded));
            callback.done(true);
            return true;
        }
        try {
            FlowExecutions.find(exchange).requireLease(run);
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        long began = System.nanoTime();
        // the target calls back on another thread even for synchronous steps: record inside the callback
        return processor.process(exchange, doneSync -> {
            if (exchange.getException() == null && !exchange.isRouteStop()) {
                try {
                    record(exchange, run, key, Duration.ofNanos(System.nanoTime() - began));
                } catch (RunCancelledException e) {
                    stopCancelled(exchange);
                } catch (RuntimeException e) {
                    exchange.setException(e);
                }
            }
            callback.done(doneSync);
        });
    }

    /** The run was cancelled: the route stops here (no later step starts), the reply tells the status. */
    private static void stopCancelled(Exchange exchange) {
        exchange.getMessage().setHeader(FlowStateConstants.STATUS, FlowStatus.CANCELLED);
        exchange.setRouteStop(true);
    }

    private void record(Exchange exchange, FlowExecution run, String key, Duration took) {
        if (run.getStatus().isFinished()) {
            return; // the step finished the run (flowstate:complete in it): its close snapshot was the last save
        }
        FlowExecutions runs = FlowExecutions.find(exchange);
        JsonNode result;
        if (run.isUnrecorded(stepId)) {
            result = NullNode.getInstance();
        } else {
            try {
                result = runs.json().toJson("results." + key, exchange.getMessage().getBody());
            } catch (UnsupportedValueException e) {
                throw new FlowStateException("Step '" + key + "' of run " + run.getExecutionId() + " (flow '"
                                             + run.getFlowId() + "') ended with a body that cannot be recorded as its"
                                             + " result: " + e.getMessage() + " Convert the body at the end of the"
                                             + " step (e.g. convertBodyTo(String.class)), or list the step in"
                                             + " flowstate:start?unrecordedSteps=" + stepId,
                        e);
            }
        }
        run.results().complete(key, result);
        run.recordEvent(run.newEvent(HistoryEvent.Type.STEP_COMPLETED).step(key).durationMs(took.toMillis()).build());
        if (run.getCheckpointPolicy() == CheckpointPolicy.AFTER_EACH_STEP
                && !(lastOfRoute && runs.leaveCheckpointToCompletion(exchange, run))) {
            runs.snapshot(run);
        }
    }

    /** The step id, with the index of every split/loop/multicast around the step: {@code check[2]}. */
    private String stepKey(Exchange exchange) {
        return iterationAncestors.isEmpty()
                ? stepId : stepId + IterationPosition.of(exchange).indexesOf(iterationAncestors);
    }

    @Override
    public String toString() {
        return "FlowStep[" + stepId + "]";
    }
}
