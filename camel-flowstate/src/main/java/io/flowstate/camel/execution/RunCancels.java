package io.flowstate.camel.execution;

import java.time.Clock;
import java.time.Instant;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.HistoryEvent;
import io.flowstate.camel.support.Identifiers;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels runs ({@code flowstate:cancel}). A run nobody runs now (SUSPENDED, sleeping, or RUNNING with an expired
 * lease) becomes CANCELLED at once, by compare-and-set on its stored version. A run a live node holds gets a cancel
 * request instead (also compare-and-set): the request moves the stored version on, so that node's next save conflicts,
 * reads the request and ends the run CANCELLED at that step boundary (see {@link FlowCheckpoints}). Where the run ends
 * CANCELLED, what it holds on that node is released and the flow's {@code onCancel} route runs once.
 */
final class RunCancels {

    private static final Logger LOG = LoggerFactory.getLogger(RunCancels.class);

    /** Longest actor or reason accepted by flowstate:cancel. */
    static final int MAX_TEXT_LENGTH = HistoryEvent.MAX_TEXT_LENGTH;

    /** A run moving between the load and the compare-and-set is loaded again, this many times at most. */
    private static final int ATTEMPTS = 5;

    private final FlowExecutions executions;
    private final Supplier<FlowSnapshotRepository> repository;
    private final FlowCheckpoints checkpoints;
    private final FlowContexts contexts;
    private final Clock clock;
    private volatile BiFunction<String, String, String> onCancelRoutes = (routeId, flowId) -> null;

    RunCancels(FlowExecutions executions, Supplier<FlowSnapshotRepository> repository, FlowCheckpoints checkpoints,
               FlowContexts contexts, Clock clock) {
        this.executions = executions;
        this.repository = repository;
        this.checkpoints = checkpoints;
        this.contexts = contexts;
        this.clock = clock;
    }

    /** @param onCancelRoutes the onCancel endpoint URI of flow (second argument) in route (first), or null */
    void useOnCancelRoutes(BiFunction<String, String, String> onCancelRoutes) {
        this.onCancelRoutes = onCancelRoutes;
    }

    /** See {@link FlowExecutions#cancel}. */
    FlowExecutions.CancelOutcome cancel(String executionId, String actor, String reason) {
        Identifiers.requireExecutionId(executionId);
        checkLength("actor (header " + FlowStateConstants.ACTOR + ")", actor);
        checkLength("reason (header " + FlowStateConstants.REASON + ")", reason);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            FlowSnapshot stored = executions.starts().load(executionId);
            if (stored.status().isFinished()) {
                throw new RunNotCancellableException("Run " + executionId + " of flow '" + stored.flowId() + "' is "
                                             + stored.status() + ": only a RUNNING or SUSPENDED run can be cancelled."
                                             + " Nothing was changed.");
            }
            Instant now = clock.instant();
            try {
                if (stored.status() == FlowStatus.RUNNING && !FlowSnapshotSummary.of(stored).leaseExpired(now)) {
                    return requestCancel(stored, now, actor, reason);
                }
                return cancelNow(stored, now, actor, reason);
            } catch (FlowSnapshotConflictException e) {
                LOG.debug("Run {} changed while it was being cancelled; reading it again", executionId);
            }
        }
        throw new FlowStateException("Run " + executionId + " changed " + ATTEMPTS + " times while it was being"
                                     + " cancelled (it is saved very often): nothing was changed, try again.");
    }

    /** A live node holds the run: it ends it CANCELLED at its next save. */
    private FlowExecutions.CancelOutcome requestCancel(FlowSnapshot stored, Instant now, String actor, String reason) {
        if (stored.cancelRequestedAt() == null) {
            repository.get().saveDelta(stored.executionId(), FlowSnapshotDelta.builder().updatedAt(now)
                    .cancelRequest(now, actor, reason).build(), stored.version());
        }
        LOG.info("Run {} of flow '{}' is running on node {}: it stops at its next step boundary (cancel requested{})",
                stored.executionId(), stored.flowId(), stored.leaseOwner(), actor == null ? "" : " by " + actor);
        return new FlowExecutions.CancelOutcome(stored.executionId(), stored.flowId(), FlowStatus.RUNNING);
    }

    /** Nobody runs the run: CANCELLED now, then what it left on this node is removed and onCancel runs here. */
    private FlowExecutions.CancelOutcome cancelNow(FlowSnapshot stored, Instant now, String actor, String reason) {
        // built before the write: a run this node cannot read (another secretKey) is refused with nothing changed
        FlowExecution run = executions.starts().fromSnapshot(stored, FlowStatus.CANCELLED, stored.version(), null);
        FlowSnapshotDelta.Builder delta = FlowSnapshotDelta.builder().updatedAt(now).status(FlowStatus.CANCELLED)
                .waitingFor(null).wakeAt(null).lease(null, null).cancelRequest(null, null, null)
                .maxHistory(checkpoints.maxHistory());
        if (stored.status() == FlowStatus.RUNNING) {
            delta.event(HistoryEvent.of(HistoryEvent.Type.LEASE_LOST, now).node(stored.leaseOwner()).build());
        }
        delta.event(HistoryEvent.of(HistoryEvent.Type.CANCELLED, now).actor(actor).reason(reason)
                .node(checkpoints.nodeId()).build());
        long version = repository.get().saveDelta(stored.executionId(), delta.build(), stored.version());
        run.saveState().saved(version, FlowStatus.CANCELLED, null, null);
        executions.observers().finished(run, FlowStatus.CANCELLED);
        if (executions.workDirectories() != null) {
            executions.workDirectories().remove(run.getExecutionId());
        }
        cancelledHere(run, actor, reason);
        return new FlowExecutions.CancelOutcome(stored.executionId(), stored.flowId(), FlowStatus.CANCELLED);
    }

    /**
     * The run was stored CANCELLED by this node: its context is free again and the flow's onCancel route runs once,
     * with the run attached (read-only), headers CamelFlowStateStatus=CANCELLED, CamelFlowStateActor and
     * CamelFlowStateReason, and the run's close snapshot as body. What that route throws is logged: the cancel stands.
     */
    void cancelledHere(FlowExecution run, String actor, String reason) {
        if (run.getContextId() != null) {
            contexts.released(run);
        }
        String uri = onCancelRoutes.apply(run.getRouteId(), run.getFlowId());
        if (uri == null) {
            return;
        }
        CamelContext context = executions.context();
        Exchange exchange = new DefaultExchange(context);
        RunStarts.attachTo(exchange, run);
        run.hooks().markAttachedOnly();
        exchange.getMessage().setHeader(FlowStateConstants.STATUS, FlowStatus.CANCELLED);
        exchange.getMessage().setHeader(FlowStateConstants.ACTOR, actor);
        exchange.getMessage().setHeader(FlowStateConstants.REASON, reason);
        exchange.getMessage().setBody(run.closeSnapshot());
        ProducerTemplate template = context.createProducerTemplate();
        try {
            template.send(uri, exchange);
        } catch (RuntimeException e) {
            exchange.setException(e);
        } finally {
            ServiceHelper.stopService(template);
        }
        if (exchange.getException() != null) {
            LOG.warn("The onCancel route {} of flow '{}' failed for run {}; the run stays CANCELLED: {}", uri,
                    run.getFlowId(), run.getExecutionId(), exchange.getException().getMessage(),
                    exchange.getException());
        }
    }

    private static void checkLength(String what, String value) {
        if (value != null && value.length() > MAX_TEXT_LENGTH) {
            throw new FlowStateException("The " + what + " of flowstate:cancel is " + value.length()
                                         + " characters long, more than the " + MAX_TEXT_LENGTH
                                         + " allowed. Nothing was changed.");
        }
    }
}
