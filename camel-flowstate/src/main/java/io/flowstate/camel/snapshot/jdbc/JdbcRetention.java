package io.flowstate.camel.snapshot.jdbc;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import io.flowstate.camel.snapshot.FlowStatus;

/**
 * Retention: removes finished (COMPLETED, FAILED, CANCELLED) runs (and their deltas) finished before a time or beyond a count, through
 * the finished_at column and its index, keeping a finished inner run while its parent is stored and not finished.
 */
final class JdbcRetention {

    private static final String FINISHED_BETWEEN = " WHERE finished_at >= ? AND finished_at < ?";

    private final JdbcAccess jdbc;
    private final JdbcSchema schema;

    JdbcRetention(JdbcAccess jdbc, JdbcSchema schema) {
        this.jdbc = jdbc;
        this.schema = schema;
    }

    int purgeFinished(Instant finishedBefore) {
        Instant earliest = JdbcRunQueries.EARLIEST;
        try {
            return jdbc.inTransaction(c -> {
                JdbcAccess.update(c, purgeDeltasSql(schema), earliest, finishedBefore);
                return JdbcAccess.update(c, purgeRunsSql(schema), earliest, finishedBefore);
            });
        } catch (SQLException e) {
            throw jdbc.failed("purge finished runs", e);
        }
    }

    /**
     * Parameters: lower bound (as in {@link JdbcRunQueries#findBeforeSql}: H2's index holds a null per unfinished run),
     * cut-off. A run whose deltas are still there is left to the next pass: its parent finished between the two
     * statements (the deltas statement saw the run held, this one does not), and removing the row would orphan them.
     */
    static String purgeRunsSql(JdbcSchema schema) {
        return "DELETE FROM " + schema.runs + " r" + FINISHED_BETWEEN + notHeld(schema, "r")
               + " AND NOT EXISTS (SELECT 1 FROM " + schema.deltas + " d WHERE d.execution_id = r.execution_id)";
    }

    private static String purgeDeltasSql(JdbcSchema schema) {
        return "DELETE FROM " + schema.deltas + " WHERE execution_id IN (SELECT r.execution_id FROM " + schema.runs
               + " r" + FINISHED_BETWEEN + notHeld(schema, "r") + ")";
    }

    /**
     * Leaves out a finished inner run whose parent is stored and not finished: the parent re-enters the step that
     * called it (after a resume or a crash) and must find it, or the inner flow's steps would run again. The parent is
     * found by its primary key. Rows written before the column existed have no parent here and purge as before.
     */
    /** The finished statuses as an SQL list: {@code 'COMPLETED', 'FAILED', 'CANCELLED'}. */
    private static final String FINISHED_STATUSES = Arrays.stream(FlowStatus.values())
            .filter(FlowStatus::isFinished).map(status -> "'" + status.name() + "'")
            .collect(Collectors.joining(", "));

    private static String notHeld(JdbcSchema schema, String run) {
        return " AND NOT EXISTS (SELECT 1 FROM " + schema.runs + " p WHERE p.execution_id = " + run
               + ".parent_execution_id AND p.status NOT IN (" + FINISHED_STATUSES + "))";
    }

    int purgeFinishedBeyond(int maxFinishedRuns) {
        if (maxFinishedRuns < 0) {
            throw new IllegalArgumentException("maxFinishedRuns must be 0 or more, not " + maxFinishedRuns);
        }
        try {
            return jdbc.inTransaction(c -> {
                List<Object[]> beyond = JdbcAccess.query(c, "SELECT execution_id, version FROM " + schema.runs
                                                            + " WHERE finished_at IS NOT NULL"
                                                            + " ORDER BY finished_at DESC, execution_id OFFSET ? ROWS",
                        rs -> new Object[] { rs.getString(1), rs.getLong(2) }, maxFinishedRuns);
                int removed = 0;
                for (Object[] run : beyond) {
                    if (JdbcAccess.update(c, "DELETE FROM " + schema.runs + " r WHERE execution_id = ? AND version = ?"
                                             + notHeld(schema, "r"),
                            run) == 1) {
                        removed++;
                        JdbcAccess.update(c, "DELETE FROM " + schema.deltas + " WHERE execution_id = ?", run[0]);
                    }
                }
                return removed;
            });
        } catch (SQLException e) {
            throw jdbc.failed("purge finished runs beyond " + maxFinishedRuns, e);
        }
    }
}
