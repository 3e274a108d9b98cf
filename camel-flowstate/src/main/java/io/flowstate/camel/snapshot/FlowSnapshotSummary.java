package io.flowstate.camel.snapshot;

import java.time.Instant;


/**
 * The indexed facts of a stored run, as the finds return them: enough to choose runs and claim one with a
 * compare-and-set on {@link #version()}, without reading state, input or results.
 *
 * @param waitingFor     the suspend name a SUSPENDED run waits at, or null
 * @param wakeAt         when a SUSPENDED run continues by itself, or null
 * @param leaseOwner     the node holding a RUNNING run, or null
 * @param leaseExpiresAt when that lease ends unless renewed, or null
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
        Instant leaseExpiresAt) {

    public static FlowSnapshotSummary of(FlowSnapshot s) {
        return new FlowSnapshotSummary(
                s.executionId(), s.flowId(), s.routeId(), s.status(), s.version(), s.createdAt(), s.updatedAt(),
                s.waitingFor(), s.wakeAt(), s.leaseOwner(), s.leaseExpiresAt());
    }

    /** The summary after {@code delta} created {@code newVersion}. */
    public FlowSnapshotSummary apply(FlowSnapshotDelta delta, long newVersion) {
        return new FlowSnapshotSummary(
                executionId, flowId, routeId,
                delta.changes(FlowSnapshotDelta.Field.STATUS) ? delta.status() : status,
                newVersion, createdAt, delta.updatedAt(),
                delta.changes(FlowSnapshotDelta.Field.WAITING_FOR) ? delta.waitingFor() : waitingFor,
                delta.changes(FlowSnapshotDelta.Field.WAKE_AT) ? delta.wakeAt() : wakeAt,
                delta.changes(FlowSnapshotDelta.Field.LEASE_OWNER) ? delta.leaseOwner() : leaseOwner,
                delta.changes(FlowSnapshotDelta.Field.LEASE_EXPIRES_AT) ? delta.leaseExpiresAt() : leaseExpiresAt);
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
