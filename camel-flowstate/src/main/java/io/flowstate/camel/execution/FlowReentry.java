package io.flowstate.camel.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.execution.RunObserver.Continuation;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.HistoryEvent;
import io.flowstate.camel.state.UnsupportedValueException;
import io.flowstate.camel.support.Identifiers;
import io.flowstate.camel.support.ResumeTokens;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continues stored runs by re-entering their route without its consumer (so it works whatever the consumer is): a
 * resume of a suspended run, the timeout of a suspend, and the recovery of a run whose node died. The run is first
 * claimed by compare-and-set on its version, so of several resumes or recovering nodes exactly one continues it; the
 * route then runs with the run's original input, and the steps it completed are skipped with their recorded results.
 */
public final class FlowReentry {

    private static final Logger LOG = LoggerFactory.getLogger(FlowReentry.class);

    private final CamelContext context;
    private final FlowExecutions executions;
    private final Predicate<String> stepExists;
    private final ApprovalChecks approvalChecks;
    private final Function<String, Optional<JsonNode>> timeoutResults;

    /**
     * @param stepExists     whether a step id (or suspend name) still exists in this context's routes
     * @param schemas        the JSON Schemas of approval steps (option payloadSchema)
     * @param timeoutResults by suspend NAME, what that step gives when its timeout passes (see
     *                       {@link ApprovalOptions#timeoutResult()}), when every suspend step of that name in this
     *                       context's routes gives the same; empty otherwise
     */
    public FlowReentry(CamelContext context, FlowExecutions executions, Predicate<String> stepExists,
                       ApprovalSchemas schemas, Function<String, Optional<JsonNode>> timeoutResults) {
        this.context = context;
        this.executions = executions;
        this.stepExists = stepExists;
        this.approvalChecks = new ApprovalChecks(schemas);
        this.timeoutResults = timeoutResults;
    }

    /**
     * {@code flowstate:resume}: continues the suspended run named by header CamelFlowStateExecutionId, if header
     * CamelFlowStateResumeToken is its token, with the body as the payload of the suspend step; replies on
     * {@code caller} with what the flow replies (its final body, or the next suspend's reply).
     */
    public void resume(Exchange caller) {
        String id = requireHeader(caller, FlowStateConstants.EXECUTION_ID);
        String token = requireHeader(caller, FlowStateConstants.RESUME_TOKEN);
        String actor = Actors.of(caller, "flowstate:resume");
        JsonNode payload;
        try {
            payload = executions.json().toJson("resume payload", caller.getMessage().getBody());
        } catch (UnsupportedValueException e) {
            throw new ResumeException("The resume payload for run " + id + " cannot be stored as JSON: "
                                      + e.getMessage(), e);
        }
        Identifiers.requireExecutionId(id);
        FlowSnapshot stored = executions.repository().load(id).orElse(null);
        // the token first, and one answer for every refusal without it (no such run, another token, a run that holds
        // none): only whoever holds the run's token learns whether it exists and what it waits for
        if (stored == null || !ResumeTokens.matches(token, stored.resumeTokenHash())) {
            throw new ResumeException.InvalidToken("The resume token does not match run " + id
                                                   + ": use the token from the reply of its suspend step");
        }
        String waitingFor = stored.waitingFor();
        if (waitingFor != null && waitingFor.startsWith(FlowExecutions.INNER_PREFIX)) {
            throw new ResumeException.NotSuspended("Run " + id + " waits for its inner run "
                                                   + waitingFor.substring(FlowExecutions.INNER_PREFIX.length())
                                                   + ", not for a resume: resume that run with its own token");
        }
        if (waitingFor != null && waitingFor.startsWith(FlowExecutions.SLEEP_PREFIX)) {
            throw new ResumeException.NotSuspended("Run " + id + " of flow '" + stored.flowId() + "' sleeps at '"
                                                   + waitingFor.substring(FlowExecutions.SLEEP_PREFIX.length())
                                                   + "' until " + stored.wakeAt() + ": a sleep cannot be resumed, the"
                                                   + " run continues by itself once the time has passed.");
        }
        if (stored.status() != FlowStatus.SUSPENDED) {
            throw new ResumeException.NotSuspended("Run " + id + " of flow '" + stored.flowId() + "' is "
                                                   + stored.status() + ", not SUSPENDED: only a suspended run can be"
                                                   + " resumed, once (it may have been resumed already).");
        }
        approvalChecks.check(stored, actor, payload);
        Map<String, Object> own = RunResources.fromHeader(caller.getMessage().getHeader(FlowStateConstants.RESOURCES));
        caller.getMessage().removeHeader(FlowStateConstants.RESOURCES);
        long began = System.nanoTime();
        ObjectNode answer = RunApprovals.record(actor, executions.clock().instant(), false);
        proceed(stored, new ResumeSignal(stored.waitingFor(), payload, false, answer), caller, own,
                Continuation.RESUMED);
        executions.observers().resumed(stored.flowId(), Duration.ofNanos(System.nanoTime() - began));
    }

    /**
     * Claims the run and continues it. An inner run is continued through its root run: the root's route is re-entered
     * and reaches the inner flow again, which picks up the inner run (with {@code signal}); every run on the way is
     * claimed first, the inner one before its parents. Whatever can refuse the run (route, resources, a stored value
     * this node cannot decrypt) is checked before the first claim, so a refusal leaves every run as stored.
     */
    private void proceed(
            FlowSnapshot stored, ResumeSignal signal, Exchange caller, Map<String, Object> own, Continuation how) {
        Route route = checkRoute(stored);
        checkResources(stored, own);
        // every run on the way to the root must wait for its inner run and find its route, steps and resources
        // before any of them is claimed (a refused resume leaves them all as they were); each is then claimed at the
        // version checked here
        List<FlowSnapshot> ancestors = new ArrayList<>();
        Route rootRoute = route;
        FlowSnapshot child = stored;
        while (child.parentExecutionId() != null) {
            FlowSnapshot parent = executions.starts().load(child.parentExecutionId());
            checkWaitsFor(parent, child.executionId());
            rootRoute = checkRoute(parent);
            checkResources(parent, own);
            ancestors.add(parent);
            child = parent;
        }
        // the result of the suspend step the run continues in, when known now (a resume's payload, a timeout's null or
        // timeoutPayload), is stored with the claim, so reaching that step writes nothing (an inner run is built again
        // when its flow reaches it: its step records the result itself)
        JsonNode stepResult = ancestors.isEmpty() ? knownResult(signal) : null;
        // decoded before any claim too: the inner runs on the way are built again when the route reaches them, from
        // the same stored values (each is claimed at the version read here)
        Prepared prepared;
        if (ancestors.isEmpty()) {
            prepared = prepare(route, stored, stored, stepResult != null ? signal.recordedByClaim() : signal, Map.of(), own,
                    caller);
        } else {
            readable(stored, stored, caller);
            for (FlowSnapshot parent : ancestors.subList(0, ancestors.size() - 1)) {
                readable(parent, stored, caller);
            }
            Map<String, ResumeSignal> innerSignals = signal == null ? Map.of() : Map.of(stored.executionId(), signal);
            prepared = prepare(rootRoute, child, stored, null, innerSignals, own, caller);
        }
        // who answered and what happened are recorded with the claim that continues the run: one write
        long version = claim(stored, signal == null || signal.approval() == null ? null
                : RunApprovals.with(stored.approvals(), stored.waitingFor(), (ObjectNode) signal.approval()),
                stepResult, continuedEvents(stored, how, caller));
        for (FlowSnapshot parent : ancestors) {
            version = claim(parent, null, null, List.of());
        }
        if (stepResult != null) {
            prepared.run().results().completeSaved(stored.waitingFor(), stepResult.deepCopy());
        }
        // the run as built, at the version its claim gave it
        prepared.run().saveState().saved(version, FlowStatus.RUNNING, null, null);
        executions.observers().continued(prepared.run(), how);
        reenter(prepared, caller);
    }

    /**
     * The result the suspend step {@code signal} continues the run in will record, when known before the route reaches
     * it; null for a sleep (its result was stored when it began), a recovery, or a timeout whose step fails
     * (onTimeout=fail) or whose steps of that name disagree.
     */
    private JsonNode knownResult(ResumeSignal signal) {
        if (signal == null || signal.approval() == null) {
            return null;
        }
        return signal.timedOut() ? timeoutResults.apply(signal.waitingFor()).orElse(null) : signal.payload();
    }

    /**
     * {@code flowstate:restart} (see {@link FlowRestarts}): claims {@code rewound} — the stored run as its next attempt
     * starts — and re-enters its route on the caller's thread. Route, steps, resources and stored values are checked
     * before the claim, so a refusal leaves the run as stored.
     *
     * @param claimed told the run once it is claimed, before its route runs
     */
    void restart(FlowSnapshot rewound, Exchange caller, Map<String, Object> own, Consumer<FlowExecution> claimed) {
        Route route = checkRoute(rewound);
        checkResources(rewound, own);
        Prepared prepared = prepare(route, rewound, rewound, null, Map.of(), own, caller);
        long version;
        try {
            version = executions.checkpoints().claimRestart(rewound);
        } catch (FlowSnapshotConflictException e) {
            throw new RestartException("Run " + rewound.executionId() + " of flow '" + rewound.flowId() + "' was"
                                       + " restarted or changed by someone else at the same time; this restart did"
                                       + " nothing.");
        }
        prepared.run().saveState().saved(version, FlowStatus.RUNNING, null, null);
        claimed.accept(prepared.run());
        reenter(prepared, caller);
    }

    /**
     * Continues SUSPENDED runs whose timeout passed: their suspend step yields null and CamelFlowStateTimedOut. Each
     * run is continued on {@code threads}; returns, once all are done, how many were continued.
     */
    public int wakeDue(int limit, Executor threads) {
        return continueAll(executions.repository().findDue(executions.clock().instant(), limit), true, threads);
    }

    /**
     * Takes over RUNNING runs whose lease expired (their node died) and continues them after their last step, each on
     * {@code threads}; returns, once all are done, how many were continued.
     */
    public int recoverExpired(int limit, Executor threads) {
        return continueAll(executions.repository().findExpiredLeases(executions.clock().instant(), limit), false,
                threads);
    }

    private int continueAll(List<FlowSnapshotSummary> found, boolean timedOut, Executor threads) {
        List<CompletableFuture<Integer>> continuing = new ArrayList<>(found.size());
        for (FlowSnapshotSummary run : found) {
            continuing.add(CompletableFuture.supplyAsync(() -> continueStored(run.executionId(), timedOut), threads));
        }
        int continued = 0;
        for (CompletableFuture<Integer> run : continuing) {
            continued += run.join();
        }
        return continued;
    }

    private int continueStored(String executionId, boolean timedOut) {
        try {
            FlowSnapshot stored = executions.repository().load(executionId).orElse(null);
            Instant now = executions.clock().instant();
            FlowSnapshotSummary current = stored == null ? null : FlowSnapshotSummary.of(stored);
            if (current == null || !(timedOut ? current.due(now) : current.leaseExpired(now))) {
                // changed since the find (another node's recovery, a resume): claiming this version would take a
                // run someone else holds now; the claim's version check only guards what happens after the load
                return 0;
            }
            if (!timedOut && stored.cancelRequestedAt() != null) {
                // asked to stop while its node held it, and that node is gone: cancelled instead of continued
                executions.cancel(executionId, stored.cancelActor(), stored.cancelReason());
                return 1;
            }
            boolean sleep = stored.waitingFor() != null && stored.waitingFor().startsWith(FlowExecutions.SLEEP_PREFIX);
            ResumeSignal signal = !timedOut ? null
                    : new ResumeSignal(stored.waitingFor(), NullNode.getInstance(), true,
                            sleep ? null : RunApprovals.record(null, now, true));
            LOG.info("Continuing run {} of flow '{}' ({})", executionId, stored.flowId(),
                    !timedOut ? "its node's lease expired"
                            : sleep ? "its " + stored.waitingFor() + " is over"
                                    : "its suspend '" + stored.waitingFor() + "' timed out");
            proceed(stored, signal, null, Map.of(), !timedOut ? Continuation.RECOVERED
                    : sleep ? Continuation.WOKE : Continuation.TIMED_OUT);
            return 1;
        } catch (ResumeException.NotSuspended e) {
            return 0; // another node or a resume got there first
        } catch (RuntimeException e) {
            LOG.warn("Could not continue run {}: {}", executionId, e.getMessage(), e);
            return 0;
        }
    }

    private Route checkRoute(FlowSnapshot stored) {
        Route route = context.getRoute(stored.routeId());
        if (route == null) {
            throw new ResumeException.RouteNotFound("Run " + stored.executionId() + " belongs to route '"
                                                    + stored.routeId() + "', which does not exist in this"
                                                    + " CamelContext; the run stays " + stored.status() + ".");
        }
        for (String stepKey : stored.completedSteps()) {
            int bracket = stepKey.indexOf('[');
            String stepId = bracket < 0 ? stepKey : stepKey.substring(0, bracket);
            if (!stepExists.test(stepId)) {
                throw new ResumeException.RouteChanged("Run " + stored.executionId() + " completed step '" + stepId
                                                       + "', which no longer exists in this CamelContext: the route"
                                                       + " changed since. Restore the step (or its id) to continue"
                                                       + " the run; it stays " + stored.status() + ".");
            }
        }
        return route;
    }

    /**
     * Each resource the stored run recorded must be found again (given now, the flow's, or the registry) before the
     * run is claimed: otherwise it fails clearly and stays as it is. A run's own resources given at its start are live
     * objects of that JVM: after a restart the caller of resume must give them again, and recovery (which has no
     * caller) can continue such a run only once the registry holds beans of those names.
     */
    private void checkResources(FlowSnapshot stored, Map<String, Object> own) {
        executions.resourceCatalog().check(stored.executionId(), stored.flowId(), stored.routeId(),
                stored.resourceNames(), own);
    }

    /**
     * An inner run continues only into a parent that waits for it (SUSPENDED on {@code inner:CHILD}) or whose node died
     * (RUNNING, lease expired): a parent that finished, or that a live node runs, must not be taken over by it.
     */
    private void checkWaitsFor(FlowSnapshot parent, String childId) {
        boolean waiting = parent.status() == FlowStatus.SUSPENDED
                          && (FlowExecutions.INNER_PREFIX + childId).equals(parent.waitingFor());
        if (!waiting && !FlowSnapshotSummary.of(parent).leaseExpired(executions.clock().instant())) {
            throw new ResumeException.NotSuspended("Inner run " + childId + " cannot continue: its parent run "
                                                   + parent.executionId() + " is " + parent.status()
                                                   + (parent.status() == FlowStatus.RUNNING ? " on a live node" : "")
                                                   + " and does not wait for it. Nothing was changed.");
        }
    }

    /**
     * What the continued run's history records of its claim: RESUMED (by the caller's actor), TIMED_OUT, WOKE, or for
     * a recovery LEASE_LOST (by the node that held it) then RECOVERED (by this node).
     */
    private List<HistoryEvent> continuedEvents(
            FlowSnapshot stored, Continuation how, Exchange caller) {
        Instant now = executions.clock().instant();
        String name = stored.waitingFor();
        if (name != null && name.startsWith(FlowExecutions.SLEEP_PREFIX)) {
            name = name.substring(FlowExecutions.SLEEP_PREFIX.length());
        }
        return switch (how) {
            case RESUMED -> List.of(HistoryEvent.of(HistoryEvent.Type.RESUMED, now).name(name)
                    .actor(caller.getMessage().getHeader(FlowStateConstants.ACTOR, String.class)).build());
            case TIMED_OUT -> List.of(HistoryEvent.of(HistoryEvent.Type.TIMED_OUT, now).name(name).build());
            case WOKE -> List.of(HistoryEvent.of(HistoryEvent.Type.WOKE, now).name(name).build());
            case RECOVERED -> List.of(HistoryEvent.of(HistoryEvent.Type.LEASE_LOST, now).node(stored.leaseOwner()).build(),
                    HistoryEvent.of(HistoryEvent.Type.RECOVERED, now).node(executions.checkpoints().nodeId()).build());
        };
    }

    /**
     * @param approvals  the run's approvals with this answer added, or null
     * @param stepResult the result of the step the run waits in, stored as completed by the claim; null for none
     */
    private long claim(FlowSnapshot stored, ObjectNode approvals, JsonNode stepResult, List<HistoryEvent> events) {
        try {
            return executions.checkpoints().claim(stored, approvals, stepResult, events);
        } catch (FlowSnapshotConflictException e) {
            throw new ResumeException.NotSuspended("Run " + stored.executionId() + " was resumed or taken over by"
                                                   + " someone else at the same time; it continues there.");
        }
    }

    /** A run built from its snapshot and the exchange that re-enters its route, before the run is claimed. */
    private record Prepared(Route route, Exchange exchange, FlowExecution run) {
    }

    /**
     * Builds the run to re-enter (with its state decrypted) and the exchange carrying its original input (with its
     * secret headers decrypted), changing nothing stored: what fails here (see {@link #unreadable}) fails before any
     * claim. {@code continued} is the run the caller asked to continue (the inner one, when {@code stored} is its
     * root).
     */
    private Prepared prepare(
            Route route, FlowSnapshot stored, FlowSnapshot continued, ResumeSignal signal,
            Map<String, ResumeSignal> innerSignals, Map<String, Object> own, Exchange caller) {
        Exchange exchange = route.getEndpoint().createExchange();
        FlowExecution run;
        try {
            JsonNode input = stored.input();
            exchange.getMessage().setBody(executions.json().toJava(input.get("body")));
            JsonNode headers = input.get("headers");
            if (headers != null && headers.isObject()) {
                headers = executions.json().secrets().openAll((com.fasterxml.jackson.databind.node.ObjectNode) headers,
                        executions.json());
                headers.fields().forEachRemaining(
                        h -> exchange.getMessage().setHeader(h.getKey(), executions.json().toJava(h.getValue())));
            }
            // the version is set once the run is claimed
            run = executions.starts().fromSnapshot(stored, FlowStatus.RUNNING, stored.version(), null);
        } catch (RuntimeException e) {
            throw unreadable(stored, continued, caller, e);
        }
        run.waits().markReentered();
        run.waits().setResumeSignal(signal);
        run.family().childSignals().putAll(innerSignals);
        run.resources().addOwn(own);
        run.resources().setFlow(executions.resourceCatalog().flowResources(stored.routeId(), stored.flowId()));
        return new Prepared(route, exchange, run);
    }

    /** Fails (see {@link #unreadable}) when an inner run on the way cannot be built here as its flow will build it. */
    private void readable(FlowSnapshot stored, FlowSnapshot continued, Exchange caller) {
        try {
            executions.starts().fromSnapshot(stored, FlowStatus.RUNNING, stored.version(), null);
        } catch (RuntimeException e) {
            throw unreadable(stored, continued, caller, e);
        }
    }

    /**
     * A run this node cannot read (typically a secret value written with another secretKey, or with one while this
     * node has none): nothing was claimed, so the continued run keeps its status, version and resume token.
     */
    private static ResumeException unreadable(
            FlowSnapshot failing, FlowSnapshot continued, Exchange caller, RuntimeException cause) {
        String which = failing == continued ? ""
                : " (it is an inner run of run " + failing.executionId() + " of flow '" + failing.flowId()
                  + "', which cannot be read here)";
        boolean tokenValid = continued.status() == FlowStatus.SUSPENDED && continued.resumeTokenHash() != null
                             && !isSleepOrInnerWait(continued.waitingFor());
        return new ResumeException("Run " + continued.executionId() + " of flow '" + continued.flowId() + "' cannot be"
                                   + " continued on this node" + which + ": " + cause.getMessage() + " The run stays "
                                   + continued.status() + " at version " + continued.version()
                                   + (tokenValid ? ", its resume token still valid" : "")
                                   + (continued.parentExecutionId() != null ? ", and so do the runs it is an inner run of"
                                           : "")
                                   + ". Give this node the secretKey the run was written with (component option"
                                   + " secretKey), then " + (caller != null ? "resume it again." : "the next maintenance"
                                                                                                  + " pass continues it."),
                cause);
    }

    private void reenter(Prepared prepared, Exchange caller) {
        Route route = prepared.route();
        Exchange exchange = prepared.exchange();
        FlowExecution run = prepared.run();
        RunStarts.attachTo(exchange, run);
        executions.transitions().carryOn(run);
        executions.continuedHere(run);
        try {
            route.getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (caller != null) {
            caller.getMessage().setHeaders(exchange.getMessage().getHeaders());
            caller.getMessage().setBody(exchange.getMessage().getBody());
            caller.setException(exchange.getException());
        } else if (exchange.getException() != null) {
            LOG.warn("Run {} of flow '{}' failed after it was continued: {}", run.getExecutionId(), run.getFlowId(),
                    exchange.getException().getMessage());
        }
    }

    /** Whether a run waiting for {@code waitingFor} waits for its sleep or an inner run, not for a caller's resume. */
    private static boolean isSleepOrInnerWait(String waitingFor) {
        return waitingFor != null && (waitingFor.startsWith(FlowExecutions.SLEEP_PREFIX)
                                      || waitingFor.startsWith(FlowExecutions.INNER_PREFIX));
    }

    private static String requireHeader(Exchange exchange, String header) {
        String value = exchange.getMessage().getHeader(header, String.class);
        if (value == null || value.isEmpty()) {
            throw new FlowStateException("flowstate:resume needs header " + header);
        }
        return value;
    }
}
