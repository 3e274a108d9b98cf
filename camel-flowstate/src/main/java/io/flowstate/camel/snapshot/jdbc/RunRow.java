package io.flowstate.camel.snapshot.jdbc;

import io.flowstate.camel.snapshot.FlowSnapshot;

/**
 * A whole run's row in the runs table: the INSERT of a new run and the versioned UPDATE of a full save, which set the
 * run's columns, its JSON document and the compaction counters (no deltas yet).
 */
final class RunRow {

    private final String insertSql;
    private final String updateSql;

    RunRow(JdbcSchema schema) {
        this.insertSql = "INSERT INTO " + schema.runs
                         + " (execution_id, flow_id, route_id, status, version, format_version, created_at,"
                         + " updated_at, waiting_for, wake_at, lease_owner, lease_expires_at, finished_at,"
                         + " snapshot_version, snapshot_bytes, delta_count, delta_bytes, snapshot, parent_execution_id)"
                         + " VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 0, 0, ?, ?)";
        this.updateSql = "UPDATE " + schema.runs
                         + " SET flow_id = ?, route_id = ?, status = ?, version = ?, format_version = ?,"
                         + " created_at = ?, updated_at = ?, waiting_for = ?, wake_at = ?, lease_owner = ?,"
                         + " lease_expires_at = ?, finished_at = ?, snapshot_version = ?, snapshot_bytes = ?, delta_count = 0,"
                         + " delta_bytes = 0, snapshot = ?, parent_execution_id = ?"
                         + " WHERE execution_id = ? AND version = ? AND format_version <= ?";
    }

    String insertSql() {
        return insertSql;
    }

    Object[] insertParams(FlowSnapshot s, int bytes, String json) {
        return new Object[] {
                s.executionId(), s.flowId(), JdbcAccess.text(s.routeId()), s.status(), FlowSnapshot.FORMAT_VERSION,
                s.createdAt(), s.updatedAt(), JdbcAccess.text(s.waitingFor()), JdbcAccess.instant(s.wakeAt()),
                JdbcAccess.text(s.leaseOwner()), JdbcAccess.instant(s.leaseExpiresAt()), JdbcAccess.instant(finishedAt(s)),
                (long) bytes, json, JdbcAccess.text(s.parentExecutionId()) };
    }

    String updateSql() {
        return updateSql;
    }

    Object[] updateParams(FlowSnapshot s, long expected, int bytes, String json) {
        return new Object[] {
                s.flowId(), JdbcAccess.text(s.routeId()), s.status(), expected + 1, FlowSnapshot.FORMAT_VERSION,
                s.createdAt(), s.updatedAt(), JdbcAccess.text(s.waitingFor()), JdbcAccess.instant(s.wakeAt()),
                JdbcAccess.text(s.leaseOwner()), JdbcAccess.instant(s.leaseExpiresAt()), JdbcAccess.instant(finishedAt(s)),
                expected + 1, (long) bytes, json, JdbcAccess.text(s.parentExecutionId()), s.executionId(), expected,
                FlowSnapshot.FORMAT_VERSION };
    }

    /** The finished_at column: the update time of a COMPLETED or FAILED run, null for the others. */
    static java.time.Instant finishedAt(FlowSnapshot s) {
        return s.status().isFinished() ? s.updatedAt() : null;
    }
}
