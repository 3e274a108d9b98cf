package io.flowstate.camel.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.state.JsonValues;
import io.flowstate.camel.state.StateChanges;

/**
 * Saves runs to the repository: the whole run at its first save, only what changed at every later one. A RUNNING run
 * is saved with a lease (this node, until now + lease duration) that every save renews; a finished run without one.
 */
public final class FlowCheckpoints {

    private final JsonValues json;
    private final Supplier<FlowSnapshotRepository> repository;
    private final Clock clock;
    private volatile String nodeId = "flowstate";
    private volatile Duration leaseDuration = Duration.ofSeconds(30);

    FlowCheckpoints(JsonValues json, Supplier<FlowSnapshotRepository> repository, Clock clock) {
        this.json = json;
        this.repository = repository;
        this.clock = clock;
    }

    void configure(String nodeId, Duration leaseDuration) {
        this.nodeId = nodeId;
        this.leaseDuration = leaseDuration;
    }

    /**
     * Saves the run with {@code status} (and {@code failure} for FAILED).
     *
     * @return                  the new stored version
     * @throws FlowStateException when the run is finished already, or the repository refuses the write (a conflict
     *                            means another node took the run over); the stored run is then unchanged
     */
    long save(FlowExecution run, FlowStatus status, String failure) {
        synchronized (run) {
            FlowStatus current = run.getStatus();
            if (current.isFinished()) {
                throw new FlowStateException("Run " + run.getExecutionId() + " of flow '" + run.getFlowId() + "' is "
                                             + current + ": a finished run cannot be saved again. Start a new run"
                                             + " (flowstate:start) to continue from its state.");
            }
            Instant now = clock.instant();
            String leaseOwner = status == FlowStatus.RUNNING ? nodeId : null;
            Instant leaseUntil = status == FlowStatus.RUNNING ? now.plus(leaseDuration) : null;
            long version = run.getVersion();
            long saved = version == 0
                    ? saveWhole(run, status, failure, now, leaseOwner, leaseUntil)
                    : saveChanges(run, status, failure, now, leaseOwner, leaseUntil, version);
            run.saved(saved, status, failure);
            return saved;
        }
    }

    private long saveWhole(
            FlowExecution run, FlowStatus status, String failure, Instant now, String leaseOwner, Instant leaseUntil) {
        FlowSnapshot snapshot = FlowSnapshot.builder()
                .executionId(run.getExecutionId())
                .flowId(run.getFlowId())
                .routeId(run.getRouteId())
                .status(status)
                .createdAt(run.getStartedAt())
                .updatedAt(now)
                .input(run.input().toJson(json))
                .state(run.state().treeForFirstSave())
                .results(resultsForFirstSave(run))
                .completedSteps(run.results().completedSteps())
                .leaseOwner(leaseOwner)
                .leaseExpiresAt(leaseUntil)
                .failure(failure)
                .build();
        return repository.get().save(snapshot, 0);
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode resultsForFirstSave(FlowExecution run) {
        run.results().markAllSaved();
        return run.results().tree();
    }

    private long saveChanges(
            FlowExecution run, FlowStatus status, String failure, Instant now, String leaseOwner, Instant leaseUntil,
            long version) {
        FlowSnapshotDelta.Builder delta = FlowSnapshotDelta.builder().updatedAt(now);
        StateChanges drained = run.state().drainChanges((changes, values) -> {
            if (changes.cleared()) {
                delta.clearState();
            }
            changes.removed().forEach(delta::removeState);
            changes.written().forEach(key -> delta.setState(key, values.get(key))); // the builder copies
        });
        StepResults.Pending steps = run.results().drain((pending, values) -> {
            pending.results().forEach(key -> delta.result(key, values.get(key))); // the builder copies
            pending.completed().forEach(delta::completedStep);
        });
        if (status != run.getStatus()) {
            delta.status(status);
        }
        if (failure != null) {
            delta.failure(failure);
        }
        delta.lease(leaseOwner, leaseUntil);
        try {
            return repository.get().saveDelta(run.getExecutionId(), delta.build(), version);
        } catch (RuntimeException e) {
            run.state().requeue(drained);
            run.results().requeue(steps);
            throw e;
        }
    }
}
