package io.flowstate.camel.snapshot;

import java.time.Instant;
import java.util.List;

/**
 * The indexed facts of a stored run, as the finds return them: enough to choose runs and claim one with a
 * compare-and-set on {@link #version()}, and to list them for operators, without reading state, input or results.
 *
 * @param waitingFor        the suspend name a SUSPENDED run waits at, or null
 * @param wakeAt            when a SUSPENDED run continues by itself, or null
 * @param leaseOwner        the node holding a RUNNING run, or null
 * @param leaseExpiresAt    when that lease ends unless renewed, or null
 * @param lastStep          the last step the run completed, or null
 * @param attempt           1 for a run's first attempt, +1 per restart
 * @param parentExecutionId the run that called this inner run, or null
 * @param businessKey       the run's business key, or null
 */
public record FlowSnapshotSummary(
        String executionId,
        String flowId,
        String routeId,
        FlowStatus status,
        long version,
        Instant createdAt,
        Instant updatedAt,
        String waitingFor,
        Instant wakeAt,
        String leaseOwner,
        Instant leaseExpiresAt,
        String lastStep,
        int attempt,
        String parentExecutionId,
        String businessKey) {

    public static FlowSnapshotSummary of(FlowSnapshot s) {
        return new FlowSnapshotSummary(
                s.executionId(), s.flowId(), s.routeId(), s.status(), s.version(), s.createdAt(), s.updatedAt(),
                s.waitingFor(), s.wakeAt(), s.leaseOwner(), s.leaseExpiresAt(), s.lastStep(), s.attempt(),
                s.parentExecutionId(), s.businessKey());
    }

    /** The summary after {@code delta} created {@code newVersion}. */
    public FlowSnapshotSummary apply(FlowSnapshotDelta delta, long newVersion) {
        List<String> completed = delta.completedSteps();
        return new FlowSnapshotSummary(
                executionId, flowId, routeId,
                delta.changes(RunField.STATUS) ? delta.status() : status,
                newVersion, createdAt, delta.updatedAt(),
                delta.changes(RunField.WAITING_FOR) ? delta.waitingFor() : waitingFor,
                delta.changes(RunField.WAKE_AT) ? delta.wakeAt() : wakeAt,
                delta.changes(RunField.LEASE_OWNER) ? delta.leaseOwner() : leaseOwner,
                delta.changes(RunField.LEASE_EXPIRES_AT) ? delta.leaseExpiresAt() : leaseExpiresAt,
                completed.isEmpty() ? lastStep : completed.get(completed.size() - 1),
                attempt, parentExecutionId, businessKey);
    }

    /**
     * Since when a SUSPENDED run waits: the time it was saved suspended (nothing writes a suspended run until it is
     * resumed, woken, recovered or cancelled), null for a run in another status.
     */
    public Instant waitingSince() {
        return status == FlowStatus.SUSPENDED ? updatedAt : null;
    }

    /** Whether this run holds its business key: it has one and is not finished. */
    public boolean holdsBusinessKey() {
        return businessKey != null && !status.isFinished();
    }

    /** RUNNING with a lease that ended at or before {@code now}. */
    public boolean leaseExpired(Instant now) {
        return status == FlowStatus.RUNNING && leaseExpiresAt != null && !leaseExpiresAt.isAfter(now);
    }

    /** SUSPENDED with a wake-up time at or before {@code now}. */
    public boolean due(Instant now) {
        return status == FlowStatus.SUSPENDED && wakeAt != null && !wakeAt.isAfter(now);
    }
}
