package io.flowstate.camel.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.HistoryEvent;
import io.flowstate.camel.state.JsonValues;
import io.flowstate.camel.state.StateChanges;

/**
 * Saves runs to the repository: the whole run at its first save, only what changed at every later one. A RUNNING run
 * is saved with a lease (this node, until now + lease duration) that every save renews; other runs without one.
 */
public final class FlowCheckpoints {

    /**
     * Where a save leaves the run: its status and what goes with it. A change of status also replaces the suspend
     * fields (what it waits for, until when, the resume token's hash) and the failure.
     */
    record Transition(FlowStatus status, String failure, String waitingFor, Instant wakeAt, String resumeTokenHash,
                      ObjectNode approvalRules) {

        static Transition running() {
            return new Transition(FlowStatus.RUNNING, null, null, null, null, null);
        }

        static Transition finished(FlowStatus status, String failure) {
            return new Transition(status, failure, null, null, null, null);
        }

        static Transition suspended(String waitingFor, Instant wakeAt, String resumeTokenHash) {
            return suspended(waitingFor, wakeAt, resumeTokenHash, null);
        }

        /** @param approvalRules what a resume must meet beyond the token (see ApprovalOptions#rules), or null */
        static Transition suspended(String waitingFor, Instant wakeAt, String resumeTokenHash, ObjectNode approvalRules) {
            return new Transition(FlowStatus.SUSPENDED, null, waitingFor, wakeAt, resumeTokenHash, approvalRules);
        }
    }

    private final JsonValues json;
    private final Supplier<FlowSnapshotRepository> repository;
    private final Clock clock;
    private volatile String nodeId = "flowstate";
    private volatile Duration leaseDuration = Duration.ofSeconds(30);
    private volatile int maxHistory = FlowSnapshot.DEFAULT_MAX_HISTORY;

    private final RunObserver observer;

    FlowCheckpoints(JsonValues json, Supplier<FlowSnapshotRepository> repository, Clock clock, RunObserver observer) {
        this.json = json;
        this.repository = repository;
        this.clock = clock;
        this.observer = observer;
    }

    void configure(String nodeId, Duration leaseDuration, int maxHistory) {
        this.nodeId = nodeId;
        this.leaseDuration = leaseDuration;
        this.maxHistory = maxHistory;
    }

    /** Who holds the leases of the runs this node saves while RUNNING. */
    String nodeId() {
        return nodeId;
    }

    /** How many history events a run keeps. */
    int maxHistory() {
        return maxHistory;
    }

    Duration leaseDuration() {
        return leaseDuration;
    }

    /**
     * Saves the run as {@code transition} says. The write is built and its outcome applied under the run's lock, the
     * write itself happens outside it: readers of the run (and other runs' lease renewals) never wait for the
     * repository. Saves of one run take turns (see {@link SaveState#takeTurn}).
     *
     * @return                    the new stored version
     * @throws FlowStateException when the run is finished already, or the repository refuses the write (a conflict
     *                            means another node took the run over); the stored run is then unchanged and the
     *                            run's pending changes are kept for its next save
     */
    long save(FlowExecution run, Transition transition) {
        SaveState saveState = run.saveState();
        saveState.takeTurn(run.describe());
        try {
            SaveState.Stored stored = saveState.current();
            FlowStatus current = stored.status();
            if (current.isFinished()) {
                throw new FlowStateException("Run " + run.getExecutionId() + " of flow '" + run.getFlowId() + "' is "
                                             + current + ": a finished run cannot be saved again. Start a new run"
                                             + " (flowstate:start) to continue from its state.");
            }
            if (current == FlowStatus.SUSPENDED && transition.status() == FlowStatus.RUNNING) {
                // only a resume, a passed timeout or recovery continues a suspended run (they claim it); a step of a
                // copy still running after the suspend (wireTap) or of a restored run would skip the resume token
                throw new FlowStateException("Run " + run.getExecutionId() + " of flow '" + run.getFlowId() + "' is"
                                             + " SUSPENDED: only flowstate:resume (or its timeout) continues it, so"
                                             + " this step or snapshot cannot save it RUNNING. A run attached by"
                                             + " flowstate:restore is read-only; steps after a suspend in a wireTap"
                                             + " must end before the suspend. Nothing was saved.");
            }
            Instant now = clock.instant();
            boolean running = transition.status() == FlowStatus.RUNNING;
            String leaseOwner = running ? nodeId : null;
            Instant leaseUntil = running ? now.plus(leaseDuration) : null;
            long version = stored.version();
            // a checkpoint of a running run keeps a lease with more than half its time left as it is: fewer (indexed)
            // columns written per step; the lease renewer extends it before it runs short
            Instant heldUntil = stored.leaseUntil();
            boolean keepLease = running && current == FlowStatus.RUNNING && version > 0 && heldUntil != null
                                && heldUntil.isAfter(now.plus(leaseDuration.dividedBy(2)));
            long began = System.nanoTime();
            long saved;
            try {
                saved = version == 0
                        ? saveWhole(run, transition, now, leaseOwner, leaseUntil)
                        : saveChanges(run, current, transition, now, keepLease, leaseOwner, leaseUntil, version);
            } catch (FlowSnapshotConflictException e) {
                observer.conflicted(run);
                throw cancelledInstead(run, e);
            }
            saveState.saved(saved, transition.status(), transition.failure(), keepLease ? heldUntil : leaseUntil);
            tell(run, transition, Duration.ofNanos(System.nanoTime() - began));
            return saved;
        } finally {
            saveState.endTurn();
        }
    }

    /**
     * A save of a RUNNING run conflicted: when flowstate:cancel asked this node to stop the run (the request moved the
     * stored version on), the run ends CANCELLED now, with the changes of this save and a CANCELLED event, instead of
     * being saved as asked; when another node cancelled it already (its lease had expired), this node only learns it.
     * Either way a {@link RunCancelledException} stops the exchange. Otherwise the conflict stands. Called with the
     * run's save turn held.
     */
    private RuntimeException cancelledInstead(FlowExecution run, FlowSnapshotConflictException conflict) {
        FlowSnapshot stored = repository.get().load(run.getExecutionId()).orElse(null);
        if (stored == null) {
            return conflict;
        }
        SaveState saveState = run.saveState();
        if (stored.status() == FlowStatus.CANCELLED) {
            saveState.saved(stored.version(), FlowStatus.CANCELLED, null, null);
            return new RunCancelledException(run, false, null, null);
        }
        if (stored.status() != FlowStatus.RUNNING || stored.cancelRequestedAt() == null
                || !nodeId.equals(stored.leaseOwner())) {
            return conflict;
        }
        run.recordEvent(run.newEvent(HistoryEvent.Type.CANCELLED).actor(stored.cancelActor())
                .reason(stored.cancelReason()).node(nodeId).build());
        Instant now = clock.instant();
        long began = System.nanoTime();
        long saved = saveChanges(run, FlowStatus.RUNNING, Transition.finished(FlowStatus.CANCELLED, null), now, false,
                null, null, stored.version());
        saveState.saved(saved, FlowStatus.CANCELLED, null, null);
        tell(run, Transition.finished(FlowStatus.CANCELLED, null), Duration.ofNanos(System.nanoTime() - began));
        return new RunCancelledException(run, true, stored.cancelActor(), stored.cancelReason());
    }

    private void tell(FlowExecution run, Transition transition, Duration took) {
        observer.checkpointed(run, took);
        if (transition.status() == FlowStatus.SUSPENDED) {
            observer.suspended(run, transition.waitingFor());
        } else if (transition.status().isFinished()) {
            observer.finished(run, transition.status());
        }
    }

    /**
     * Renews the lease of a RUNNING run without any other change (long steps between checkpoints). Skips a run whose
     * save is under way rather than wait for the repository: that save renews the lease, or the next renewal does.
     *
     * @return whether the lease was renewed
     */
    boolean renewLease(FlowExecution run) {
        SaveState saveState = run.saveState();
        if (!saveState.tryTakeTurn()) {
            return false;
        }
        try {
            SaveState.Stored stored = saveState.current();
            if (stored.status() != FlowStatus.RUNNING || stored.version() == 0) {
                return false;
            }
            Instant until = clock.instant().plus(leaseDuration);
            FlowSnapshotDelta delta = FlowSnapshotDelta.builder().updatedAt(clock.instant()).lease(nodeId, until).build();
            long saved = repository.get().saveDelta(run.getExecutionId(), delta, stored.version());
            saveState.saved(saved, FlowStatus.RUNNING, null, until);
            return true;
        } finally {
            saveState.endTurn();
        }
    }

    /**
     * Takes a stored run over for this node, e.g. to resume it or recover it: status RUNNING, suspend fields cleared,
     * lease to this node; compare-and-set on {@code stored}'s version, so of several callers exactly one succeeds.
     * {@code events} go to the run's history in the same write.
     *
     * @param  approvals  the run's approvals with the answer to the approval step it waits at added, or null to
     *                    leave them as they are
     * @param  stepResult the result of the step the run waits at, to store that step as completed in the same write;
     *                    null to leave it to the step
     * @return            the new version
     */
    long claim(FlowSnapshot stored, ObjectNode approvals, JsonNode stepResult, List<HistoryEvent> events) {
        Instant now = clock.instant();
        FlowSnapshotDelta.Builder delta = FlowSnapshotDelta.builder().updatedAt(now)
                .lease(nodeId, now.plus(leaseDuration)).maxHistory(maxHistory);
        events.forEach(delta::event);
        if (stored.status() != FlowStatus.RUNNING) {
            // the token's hash stays: a later resume with it is told the run was resumed already
            delta.status(FlowStatus.RUNNING).waitingFor(null).wakeAt(null);
            if (stored.approvalRules() != null) {
                delta.approvalRules(null);
            }
        }
        if (approvals != null) {
            delta.approvals(approvals);
        }
        if (stepResult != null) {
            delta.result(stored.waitingFor(), stepResult).completedStep(stored.waitingFor());
        }
        return repository.get().saveDelta(stored.executionId(), delta.build(), stored.version());
    }

    /**
     * Takes a finished run over for this node to run it again ({@code flowstate:restart}): {@code rewound}, the stored
     * run as its next attempt starts, is saved whole (a delta cannot take completed steps out) as RUNNING with a lease
     * to this node and no failure; compare-and-set on its version, so of several callers exactly one succeeds.
     *
     * @return                               the new version
     * @throws FlowSnapshotConflictException when the stored run moved on since {@code rewound} was read
     */
    long claimRestart(FlowSnapshot rewound) {
        Instant now = clock.instant();
        // a cancel request the run met before it was cancelled must not cancel the new attempt
        FlowSnapshot claimed = rewound.toBuilder().status(FlowStatus.RUNNING).updatedAt(now).failure(null)
                .cancelRequest(null, null, null)
                .waitingFor(null).wakeAt(null).leaseOwner(nodeId).leaseExpiresAt(now.plus(leaseDuration)).build();
        return repository.get().save(claimed, rewound.version());
    }

    private long saveWhole(
            FlowExecution run, Transition transition, Instant now, String leaseOwner, Instant leaseUntil) {
        List<HistoryEvent> events = run.drainEvents();
        FlowSnapshot snapshot = FlowSnapshot.builder()
                .executionId(run.getExecutionId())
                .flowId(run.getFlowId())
                .routeId(run.getRouteId())
                .status(transition.status())
                .createdAt(run.getStartedAt())
                .updatedAt(now)
                .input(sealInput(run.input().toJson(json)))
                .state(json.secrets().sealAll(run.state().treeForFirstSave()))
                .results(resultsForFirstSave(run))
                .completedSteps(run.results().completedSteps())
                .resourceNames(resourceNamesForFirstSave(run))
                .waitingFor(transition.waitingFor())
                .wakeAt(transition.wakeAt())
                .resumeTokenHash(transition.resumeTokenHash())
                .leaseOwner(leaseOwner)
                .leaseExpiresAt(leaseUntil)
                .parentExecutionId(run.getParentExecutionId())
                .contextId(run.getContextId())
                .businessKey(run.getBusinessKey())
                .failure(transition.failure())
                .startedBy(run.getStartedBy())
                .approvals(run.approvals().tree())
                .approvalRules(transition.approvalRules())
                .history(events, maxHistory)
                .build();
        try {
            return repository.get().save(snapshot, 0);
        } catch (RuntimeException e) {
            run.requeueEvents(events);
            throw e;
        }
    }

    private static List<String> resourceNamesForFirstSave(FlowExecution run) {
        List<String> names = run.resourceNames();
        if (!names.isEmpty()) {
            run.resources().namesIfChanged(); // written now: later saves write them only when they change
        }
        return names;
    }

    /** The recorded input with the headers named by secretKeys sealed like state values. */
    private JsonNode sealInput(JsonNode input) {
        JsonNode headers = input.get("headers");
        if (headers == null || !headers.isObject()) {
            return input;
        }
        ObjectNode sealed = json.secrets().sealAll((ObjectNode) headers);
        if (sealed == headers) {
            return input;
        }
        ObjectNode copy = ((ObjectNode) input).deepCopy();
        copy.set("headers", sealed);
        return copy;
    }

    private static ObjectNode resultsForFirstSave(FlowExecution run) {
        run.results().markAllSaved();
        return run.results().tree();
    }

    private long saveChanges(
            FlowExecution run, FlowStatus current, Transition transition, Instant now, boolean keepLease,
            String leaseOwner, Instant leaseUntil, long version) {
        FlowSnapshotDelta.Builder delta = FlowSnapshotDelta.builder().updatedAt(now);
        StateChanges drained = run.state().drainChanges((changes, values) -> {
            if (changes.cleared()) {
                delta.clearState();
            }
            changes.removed().forEach(delta::removeState);
            changes.written().forEach(key -> delta.setState(key, json.secrets().seal(key, values.get(key)))); // copied
            changes.appended().forEach((key, items) -> {
                if (json.secrets().isSecret(key)) {
                    delta.setState(key, json.secrets().seal(key, values.get(key))); // a secret is sealed whole
                } else {
                    items.forEach(item -> delta.appendState(key, item));
                }
            });
        });
        StepResults.Pending steps = run.results().drain((pending, values) -> {
            pending.results().forEach(key -> delta.result(key, values.get(key))); // the builder copies
            pending.completed().forEach(delta::completedStep);
        });
        List<String> resourceNames = run.resourceNames().isEmpty() ? null : run.resources().namesIfChanged();
        if (resourceNames != null) {
            delta.resourceNames(resourceNames);
        }
        if (transition.status() != current) {
            delta.status(transition.status())
                    .waitingFor(transition.waitingFor())
                    .wakeAt(transition.wakeAt())
                    .failure(transition.failure());
            if (transition.approvalRules() != null || current == FlowStatus.SUSPENDED) {
                delta.approvalRules(transition.approvalRules());
            }
            if (transition.resumeTokenHash() != null) {
                // a suspend gives out a new token; other moves (a sleep, waiting for an inner run, the end) keep the
                // last one's hash, so its holder is told where the run is now (see FlowReentry.resume)
                delta.resumeTokenHash(transition.resumeTokenHash());
            }
        }
        if (!keepLease) {
            delta.lease(leaseOwner, leaseUntil);
        }
        if (transition.status() == FlowStatus.CANCELLED) {
            delta.cancelRequest(null, null, null);
        }
        List<HistoryEvent> events = run.drainEvents();
        events.forEach(delta::event);
        delta.maxHistory(maxHistory);
        try {
            return repository.get().saveDelta(run.getExecutionId(), delta.build(), version);
        } catch (RuntimeException e) {
            run.requeueEvents(events);
            run.state().requeue(drained);
            run.results().requeue(steps);
            if (resourceNames != null) {
                run.resources().namesNotSaved();
            }
            throw e;
        }
    }
}
