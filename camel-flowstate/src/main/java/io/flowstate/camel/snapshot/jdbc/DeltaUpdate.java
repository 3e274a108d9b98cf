package io.flowstate.camel.snapshot.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;

import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotDelta.Field;

/**
 * The versioned UPDATE of a run's row for one delta: version + 1, updated_at, finished_at, the indexed columns the
 * delta changes, and the delta counters that decide compaction. The snapshot column is not touched.
 */
final class DeltaUpdate {

    private final FlowSnapshotDelta delta;
    private final String sql;

    DeltaUpdate(JdbcSchema schema, FlowSnapshotDelta delta) {
        this.delta = delta;
        StringBuilder set = new StringBuilder("UPDATE " + schema.runs + " SET version = version + 1, updated_at = ?");
        if (delta.changes(Field.STATUS)) {
            set.append(", status = ?, finished_at = ?");
        } else {
            // a finished run stays finished: its finished_at follows updated_at; null stays null (no index entry moves)
            set.append(", finished_at = CASE WHEN finished_at IS NULL THEN NULL ELSE ? END");
        }
        if (delta.changes(Field.WAITING_FOR)) {
            set.append(", waiting_for = ?");
        }
        if (delta.changes(Field.WAKE_AT)) {
            set.append(", wake_at = ?");
        }
        if (delta.changes(Field.LEASE_OWNER)) {
            set.append(", lease_owner = ?");
        }
        if (delta.changes(Field.LEASE_EXPIRES_AT)) {
            set.append(", lease_expires_at = ?");
        }
        set.append(", delta_count = delta_count + 1, delta_bytes = delta_bytes + ?")
                .append(" WHERE execution_id = ? AND version = ? AND format_version <= ?");
        this.sql = set.toString();
    }

    String sql() {
        return sql;
    }

    /** Binds this update's parameters from index 1; returns the next free index. */
    int bind(PreparedStatement ps, String executionId, long expectedVersion, int deltaBytes) throws SQLException {
        int i = 1;
        JdbcAccess.bind(ps, i++, JdbcAccess.instant(delta.updatedAt()));
        if (delta.changes(Field.STATUS)) {
            ps.setString(i++, delta.status().name());
            JdbcAccess.bind(ps, i++, JdbcAccess.instant(delta.status().isFinished() ? delta.updatedAt() : null));
        } else {
            JdbcAccess.bind(ps, i++, JdbcAccess.instant(delta.updatedAt()));
        }
        if (delta.changes(Field.WAITING_FOR)) {
            JdbcAccess.bind(ps, i++, JdbcAccess.text(delta.waitingFor()));
        }
        if (delta.changes(Field.WAKE_AT)) {
            JdbcAccess.bind(ps, i++, JdbcAccess.instant(delta.wakeAt()));
        }
        if (delta.changes(Field.LEASE_OWNER)) {
            JdbcAccess.bind(ps, i++, JdbcAccess.text(delta.leaseOwner()));
        }
        if (delta.changes(Field.LEASE_EXPIRES_AT)) {
            JdbcAccess.bind(ps, i++, JdbcAccess.instant(delta.leaseExpiresAt()));
        }
        ps.setLong(i++, deltaBytes);
        ps.setString(i++, executionId);
        ps.setLong(i++, expectedVersion);
        ps.setInt(i++, io.flowstate.camel.snapshot.FlowSnapshot.FORMAT_VERSION);
        return i;
    }
}
