package io.flowstate.camel.snapshot.jdbc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.RunField;

/**
 * A whole run's row in the runs table: the INSERT of a new run and the versioned UPDATE of a full save. Both set the
 * columns of the run's fields (those {@link RunField} gives a column), then the format, finished_at, the business key
 * held while the run is unfinished, the last step, the JSON document and the compaction counters (no deltas yet).
 */
final class RunRow {

    /** The fields with a column, the key first. */
    private static final List<RunField> FIELDS
            = Arrays.stream(RunField.values()).filter(field -> field.column() != null).toList();
    /** What a full save sets besides the fields (see {@link #params}), before it zeroes the delta counters. */
    private static final List<String> SAVED = List.of(
            "format_version", "finished_at", "open_business_key", "last_step", "snapshot_version", "snapshot_bytes",
            "snapshot");

    private final String insertSql;
    private final String updateSql;

    RunRow(JdbcSchema schema) {
        List<String> inserted = new ArrayList<>(FIELDS.stream().map(RunField::column).toList());
        inserted.addAll(SAVED);
        this.insertSql = "INSERT INTO " + schema.runs + " (" + String.join(", ", inserted)
                         + ", delta_count, delta_bytes) VALUES (" + "?, ".repeat(inserted.size()) + "0, 0)";
        this.updateSql = "UPDATE " + schema.runs + " SET "
                         + inserted.stream().skip(1).map(column -> column + " = ?").collect(Collectors.joining(", "))
                         + ", delta_count = 0, delta_bytes = 0"
                         + " WHERE execution_id = ? AND version = ? AND format_version <= ?";
    }

    String insertSql() {
        return insertSql;
    }

    Object[] insertParams(FlowSnapshot s, int bytes, String json) {
        return params(s, FIELDS, 1, bytes, json).toArray();
    }

    String updateSql() {
        return updateSql;
    }

    Object[] updateParams(FlowSnapshot s, long expected, int bytes, String json) {
        List<Object> params = params(s, FIELDS.subList(1, FIELDS.size()), expected + 1, bytes, json);
        params.addAll(List.of(s.executionId(), expected, FlowSnapshot.FORMAT_VERSION));
        return params.toArray();
    }

    /** The values of {@code fields}, then those of {@link #SAVED}, for the run stored as {@code version}. */
    private static List<Object> params(FlowSnapshot s, List<RunField> fields, long version, int bytes, String json) {
        List<Object> params = new ArrayList<>();
        for (RunField field : fields) {
            params.add(JdbcAccess.column(field, field == RunField.VERSION ? version : s.get(field)));
        }
        params.addAll(List.of(FlowSnapshot.FORMAT_VERSION, JdbcAccess.instant(finishedAt(s)),
                JdbcAccess.text(s.status().isFinished() ? null : s.businessKey()), JdbcAccess.text(s.lastStep()),
                version, (long) bytes, json));
        return params;
    }

    /** The finished_at column: the update time of a COMPLETED or FAILED run, null for the others. */
    private static Instant finishedAt(FlowSnapshot s) {
        return s.status().isFinished() ? s.updatedAt() : null;
    }
}
