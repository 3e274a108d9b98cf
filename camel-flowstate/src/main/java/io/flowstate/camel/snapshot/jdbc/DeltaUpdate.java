package io.flowstate.camel.snapshot.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.RunField;

/**
 * The versioned UPDATE of a run's row for one delta: version + 1, updated_at, finished_at, the columns of the fields
 * the delta replaces, the last step completed, the business key the run holds while unfinished, and the delta counters
 * that decide compaction. The snapshot column is not touched.
 */
final class DeltaUpdate {

    private final FlowSnapshotDelta delta;
    private final String sql;

    DeltaUpdate(JdbcSchema schema, FlowSnapshotDelta delta) {
        this.delta = delta;
        StringBuilder set = new StringBuilder("UPDATE " + schema.runs + " SET version = version + 1, updated_at = ?");
        for (RunField field : delta.changed()) {
            if (field.column() != null) {
                set.append(", ").append(field.column()).append(" = ?");
            }
        }
        if (!delta.completedSteps().isEmpty()) {
            set.append(", last_step = ?");
        }
        if (delta.changes(RunField.STATUS)) {
            // a finished run frees its business key; one made unfinished again (a restart) takes it back
            set.append(", open_business_key = ").append(delta.status().isFinished() ? "NULL" : "business_key");
            set.append(", finished_at = ?");
        } else {
            // a finished run stays finished: its finished_at follows updated_at; null stays null (no index entry moves)
            set.append(", finished_at = CASE WHEN finished_at IS NULL THEN NULL ELSE ? END");
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
        int i = JdbcAccess.bindAll(ps, 1, delta.updatedAt());
        for (RunField field : delta.changed()) {
            if (field.column() != null) {
                JdbcAccess.bind(ps, i++, JdbcAccess.column(field, delta.get(field)));
            }
        }
        List<String> completed = delta.completedSteps();
        if (!completed.isEmpty()) {
            JdbcAccess.bind(ps, i++, completed.get(completed.size() - 1));
        }
        boolean unfinished = delta.changes(RunField.STATUS) && !delta.status().isFinished();
        return JdbcAccess.bindAll(ps, i, JdbcAccess.instant(unfinished ? null : delta.updatedAt()), (long) deltaBytes,
                executionId, expectedVersion, FlowSnapshot.FORMAT_VERSION);
    }
}
