package io.flowstate.camel.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.HistoryEvent;
import io.flowstate.camel.support.ResumeTokens;
import org.apache.camel.Exchange;
import org.apache.camel.spi.UnitOfWork;

/**
 * Moves runs from one status to the next by saving them (checkpoint, suspend, sleep, wait for an inner run, finish),
 * with what goes with each move on this node: the lease renewed or given up, the context released, what the run holds
 * here closed or left for later.
 */
final class RunTransitions {

    private final FlowCheckpoints checkpoints;
    private final FlowContexts contexts;
    private final LeaseRenewals leases;
    private final Clock clock;
    private RunCancels cancels;

    RunTransitions(FlowCheckpoints checkpoints, FlowContexts contexts, LeaseRenewals leases, Clock clock) {
        this.checkpoints = checkpoints;
        this.contexts = contexts;
        this.leases = leases;
        this.clock = clock;
    }

    void useCancels(RunCancels cancels) {
        this.cancels = cancels;
    }

    /**
     * Saves the run; when the save meets a cancel ({@link RunCancelledException}) the run stops on this node: its lease
     * is no longer renewed, what it holds here is released, and, when this node cancelled it, its onCancel route runs.
     */
    private long save(FlowExecution run, FlowCheckpoints.Transition transition) {
        try {
            return checkpoints.save(run, transition);
        } catch (RunCancelledException e) {
            leases.drop(run);
            run.hooks().ended();
            if (e.isCancelledHere()) {
                cancels.cancelledHere(run, e.getActor(), e.getReason());
            }
            throw e;
        }
    }

    /** See {@link FlowExecutions#snapshot}. */
    long snapshot(FlowExecution run) {
        long version = save(run, FlowCheckpoints.Transition.running());
        carryOn(run);
        return version;
    }

    /** See {@link FlowExecutions#complete}. */
    long complete(FlowExecution run) {
        run.recordEvent(run.newEvent(HistoryEvent.Type.COMPLETED).build());
        long version = save(run, FlowCheckpoints.Transition.finished(FlowStatus.COMPLETED, null));
        leases.drop(run);
        if (run.getContextId() != null) {
            contexts.completed(run);
        }
        run.hooks().ended();
        return version;
    }

    /** See {@link FlowExecutions#forget}. */
    boolean forget(Exchange exchange, FlowExecution run) {
        if (run.getVersion() > 0 || run.getParentExecutionId() != null
                || exchange.getProperty(FlowStateConstants.EXECUTION) != run) {
            return false;
        }
        exchange.removeProperty(FlowStateConstants.EXECUTION);
        exchange.getMessage().removeHeader(FlowStateConstants.EXECUTION_ID);
        exchange.getMessage().removeHeader(FlowStateConstants.FLOW_ID);
        exchange.getMessage().removeHeader(FlowStateConstants.ATTEMPT);
        run.hooks().ended();
        return true;
    }

    /** See {@link FlowExecutions#leaveCheckpointToCompletion}. */
    boolean leaveCheckpointToCompletion(Exchange exchange, FlowExecution run) {
        UnitOfWork unitOfWork = exchange.getUnitOfWork();
        if (run.getParentExecutionId() != null || run.getStatus() != FlowStatus.RUNNING || run.getVersion() == 0
                || unitOfWork == null || unitOfWork.routeStackLevel() != 1 || unitOfWork.getRoute() == null
                || !run.getRouteId().equals(unitOfWork.getRoute().getRouteId())) {
            return false;
        }
        return run.hooks().leaveCheckpointToCompletion(exchange);
    }

    /** Saves the run as finished when its carrier ends; see {@link RunCompletion}. */
    void finish(FlowExecution run, FlowStatus status, String failure) {
        HistoryEvent.Builder event = run.newEvent(status == FlowStatus.COMPLETED
                ? HistoryEvent.Type.COMPLETED : HistoryEvent.Type.FAILED);
        run.recordEvent(status == FlowStatus.COMPLETED ? event.build() : event.error(failure).build());
        try {
            save(run, FlowCheckpoints.Transition.finished(status, failure));
            if (run.getContextId() != null) {
                if (status == FlowStatus.COMPLETED) {
                    contexts.completed(run);
                } else {
                    contexts.released(run);
                }
            }
        } finally {
            run.hooks().ended(); // close managed resources and the scratch directory even when the final save failed
            leases.drop(run);
        }
    }

    /**
     * The repository failed under the running run, or this node's lease on it lapsed: it stops here as stored (RUNNING),
     * its lease no longer renewed, so that recovery on any node continues it from its last stored checkpoint.
     */
    void leaveForRecovery(FlowExecution run) {
        leftHere(run);
    }

    /** See {@link FlowExecutions#suspend}. */
    Map<String, Object> suspend(FlowExecution run, String name, Duration timeout, ObjectNode approvalRules) {
        String token = ResumeTokens.newToken();
        Instant wakeAt = timeout == null ? null : clock.instant().plus(timeout);
        run.recordEvent(run.newEvent(HistoryEvent.Type.SUSPENDED).name(name).timeout(timeout).build());
        save(run, FlowCheckpoints.Transition.suspended(name, wakeAt, ResumeTokens.hash(token), approvalRules));
        leftHere(run);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("executionId", run.getExecutionId());
        reply.put("resumeToken", token);
        reply.put("waitingFor", name);
        return reply;
    }

    /** See {@link FlowExecutions#sleep}. */
    Map<String, Object> sleep(FlowExecution run, String name, JsonNode body, Duration duration) {
        Instant wakeAt = clock.instant().plus(duration);
        run.results().complete(name, body);
        run.recordEvent(run.newEvent(HistoryEvent.Type.SLEPT).name(name).wakeAt(wakeAt).build());
        save(run, FlowCheckpoints.Transition.suspended(FlowExecutions.SLEEP_PREFIX + name, wakeAt, null));
        leftHere(run);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("executionId", run.getExecutionId());
        reply.put("waitingFor", FlowExecutions.SLEEP_PREFIX + name);
        reply.put("wakeAt", wakeAt.toString());
        return reply;
    }

    /** The inner run {@code child} suspended: its parent is saved SUSPENDED waiting for it. */
    void waitForInner(FlowExecution parent, FlowExecution child) {
        save(parent, FlowCheckpoints.Transition.suspended(
                FlowExecutions.INNER_PREFIX + child.getExecutionId(), null, null));
        leftHere(parent);
    }

    /** The run is saved and RUNNING on this node: finish it with its carrier, renew its lease meanwhile. */
    void carryOn(FlowExecution run) {
        run.hooks().markCarriedHere();
        run.hooks().finishWithCarrier(this);
        if (run.getStatus() == FlowStatus.RUNNING) {
            leases.keep(run);
        }
    }

    /** The run waits, saved: this node forgets it. */
    private void leftHere(FlowExecution run) {
        leases.drop(run);
        run.hooks().left();
    }
}
