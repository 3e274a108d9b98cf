package io.flowstate.camel.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowStatus;
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
    record Transition(FlowStatus status, String failure, String waitingFor, Instant wakeAt, String resumeTokenHash) {

        static Transition running() {
            return new Transition(FlowStatus.RUNNING, null, null, null, null);
        }

        static Transition finished(FlowStatus status, String failure) {
            return new Transition(status, failure, null, null, null);
        }

        static Transition suspended(String waitingFor, Instant wakeAt, String resumeTokenHash) {
            return new Transition(FlowStatus.SUSPENDED, null, waitingFor, wakeAt, resumeTokenHash);
        }
    }

    private final JsonValues json;
    private final Supplier<FlowSnapshotRepository> repository;
    private final Clock clock;
    private volatile String nodeId = "flowstate";
    private volatile Duration leaseDuration = Duration.ofSeconds(30);

    private final RunObserver observer;

    FlowCheckpoints(JsonValues json, Supplier<FlowSnapshotRepository> repository, Clock clock, RunObserver observer) {
        this.json = json;
        this.repository = repository;
        this.clock = clock;
        this.observer = observer;
    }

    void configure(String nodeId, Duration leaseDuration) {
        this.nodeId = nodeId;
        this.leaseDuration = leaseDuration;
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
                throw e;
            }
            saveState.saved(saved, transition.status(), transition.failure(), keepLease ? heldUntil : leaseUntil);
            tell(run, transition, Duration.ofNanos(System.nanoTime() - began));
            return saved;
        } finally {
            saveState.endTurn();
        }
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
     *
     * @return the new version
     */
    long claim(FlowSnapshot stored) {
        Instant now = clock.instant();
        FlowSnapshotDelta.Builder delta = FlowSnapshotDelta.builder().updatedAt(now)
                .lease(nodeId, now.plus(leaseDuration));
        if (stored.status() != FlowStatus.RUNNING) {
            // the token's hash stays: a later resume with it is told the run was resumed already
            delta.status(FlowStatus.RUNNING).waitingFor(null).wakeAt(null);
        }
        return repository.get().saveDelta(stored.executionId(), delta.build(), stored.version());
    }

    private long saveWhole(
            FlowExecution run, Transition transition, Instant now, String leaseOwner, Instant leaseUntil) {
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
                .build();
        return repository.get().save(snapshot, 0);
    }

    private static java.util.List<String> resourceNamesForFirstSave(FlowExecution run) {
        java.util.List<String> names = run.resourceNames();
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
        java.util.List<String> resourceNames = run.resourceNames().isEmpty() ? null : run.resources().namesIfChanged();
        if (resourceNames != null) {
            delta.resourceNames(resourceNames);
        }
        if (transition.status() != current) {
            delta.status(transition.status())
                    .waitingFor(transition.waitingFor())
                    .wakeAt(transition.wakeAt())
                    .failure(transition.failure());
            if (transition.resumeTokenHash() != null) {
                // a suspend gives out a new token; other moves (a sleep, waiting for an inner run, the end) keep the
                // last one's hash, so its holder is told where the run is now (see FlowReentry.resume)
                delta.resumeTokenHash(transition.resumeTokenHash());
            }
        }
        if (!keepLease) {
            delta.lease(leaseOwner, leaseUntil);
        }
        try {
            return repository.get().saveDelta(run.getExecutionId(), delta.build(), version);
        } catch (RuntimeException e) {
            run.state().requeue(drained);
            run.results().requeue(steps);
            if (resourceNames != null) {
                run.resources().namesNotSaved();
            }
            throw e;
        }
    }
}
