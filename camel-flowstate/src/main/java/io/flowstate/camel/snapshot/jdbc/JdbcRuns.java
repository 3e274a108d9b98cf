package io.flowstate.camel.snapshot.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.Compaction;
import io.flowstate.camel.snapshot.DuplicateBusinessKeyException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotFormatException;
import io.flowstate.camel.snapshot.RepositoryChecks;
import io.flowstate.camel.snapshot.RunField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes and reads one run: a full save rewrites its row (and drops its deltas), a checkpoint adds a delta row and
 * updates the row's indexed columns, a load folds the deltas into the snapshot column, and compaction folds them in
 * for good. Every write is a compare-and-set on the version column; a row of a newer snapshot format is never
 * overwritten. On PostgreSQL, checkpoints of runs saved at the same moment beyond a threshold share one transaction and
 * its commit ({@link GroupCommit}), each keeping its own compare-and-set.
 */
final class JdbcRuns {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcRuns.class);
    private static final int LOAD_ATTEMPTS = 5;
    /** At most this many checkpoints share a transaction. */
    private static final int MAX_GROUP = 64;

    private final JdbcAccess jdbc;
    private final JdbcSchema schema;
    private final JdbcDialect dialect;
    private final FlowSnapshotCodec codec;
    private final Compaction compaction;
    private final RunRow row;
    private final GroupCommit<Append, long[]> checkpoints;

    /**
     * @param groupCommitThreshold how many checkpoints are written at the same time each alone; more share a
     *                             transaction (PostgreSQL only: see {@link #writeTogether})
     */
    JdbcRuns(JdbcAccess jdbc, JdbcSchema schema, JdbcDialect dialect, FlowSnapshotCodec codec, Compaction compaction,
             int groupCommitThreshold) {
        this.checkpoints = dialect.writableCte()
                ? new GroupCommit<>(new GroupCommit.Writer<>() {
                    @Override
                    public long[] writeAlone(Append write) {
                        return JdbcRuns.this.writeAlone(write);
                    }

                    @Override
                    public List<GroupCommit.Outcome<long[]>> writeTogether(List<Append> writes) {
                        return JdbcRuns.this.writeTogether(writes);
                    }
                }, groupCommitThreshold, MAX_GROUP)
                : null;
        this.jdbc = jdbc;
        this.schema = schema;
        this.dialect = dialect;
        this.codec = codec;
        this.compaction = compaction;
        this.row = new RunRow(schema);
    }

    long save(FlowSnapshot snapshot, long expectedVersion) {
        String id = snapshot.executionId();
        long version = expectedVersion + 1;
        byte[] data = codec.encode(snapshot, version);
        String json = new String(data, StandardCharsets.UTF_8);
        try {
            return jdbc.inTransaction(c -> {
                if (expectedVersion == 0) {
                    JdbcAccess.update(c, row.insertSql(), row.insertParams(snapshot, data.length, json));
                } else if (JdbcAccess.update(c, row.updateSql(),
                        row.updateParams(snapshot, expectedVersion, data.length, json)) == 0) {
                    throw conflict(c, id, expectedVersion);
                }
                // after an update: the deltas the snapshot now holds; after an insert: rows a purge raced with, of an
                // earlier run with this id
                deleteDeltas(c, id);
                return version;
            });
        } catch (SQLException e) {
            if (JdbcAccess.isDuplicateKey(e)) {
                boolean holdsKey = snapshot.businessKey() != null && !snapshot.status().isFinished();
                throw afterDuplicate(id, expectedVersion, holdsKey ? new String[] { snapshot.flowId(),
                        snapshot.businessKey() } : null);
            }
            throw jdbc.failed("save run " + id, e);
        }
    }

    long saveDelta(String id, FlowSnapshotDelta delta, long expectedVersion) {
        Append append = append(id, delta, expectedVersion);
        long[] counts = checkpoints != null ? checkpoints.write(append) : writeAlone(append);
        if (compaction.due(counts[0], counts[1], counts[2])) {
            compact(id);
        }
        return expectedVersion + 1;
    }

    /** The checkpoint that writes {@code delta} of run {@code id} at version {@code expected + 1}. */
    Append append(String id, FlowSnapshotDelta delta, long expected) {
        byte[] data = codec.encodeDelta(id, delta, expected + 1);
        return new Append(id, delta, new DeltaUpdate(schema, delta), expected, data.length,
                new String(data, StandardCharsets.UTF_8));
    }

    /** A checkpoint to write: delta {@code json} of run {@code id} at version {@code expected + 1}. */
    record Append(String id, FlowSnapshotDelta delta, DeltaUpdate update, long expected, int bytes, String json) {
    }

    /** Writes one checkpoint in its own transaction. Returns the compaction counters. */
    private long[] writeAlone(Append a) {
        try {
            return dialect.writableCte()
                    ? jdbc.committed(c -> appendInOneStatement(c, a))
                    : jdbc.inTransaction(c -> appendInTwoStatements(c, a));
        } catch (SQLException e) {
            throw failedAppend(a, e);
        }
    }

    /**
     * PostgreSQL: writes several runs' checkpoints in one transaction, those of the same statement as one JDBC batch
     * (sent in one round trip), in the order of statement and run id (two groups locking the same runs lock them in the
     * same order). A compare-and-set that fails is that checkpoint's outcome only; any other refusal rolls the group
     * back and each checkpoint is written again alone, so that each meets its own outcome. A lost connection fails them
     * all: whether the commit went through is unknown.
     */
    List<GroupCommit.Outcome<long[]>> writeTogether(List<Append> appends) {
        Map<String, List<Append>> bySql = new TreeMap<>();
        for (Append a : appends) {
            bySql.computeIfAbsent(a.update().sql(), sql -> new ArrayList<>()).add(a);
        }
        Map<Append, GroupCommit.Outcome<long[]>> outcomes = new IdentityHashMap<>();
        try {
            jdbc.inTransaction(c -> {
                for (List<Append> same : bySql.values()) {
                    same.sort(Comparator.comparing(Append::id));
                    appendBatch(c, same, outcomes);
                }
                return null;
            });
        } catch (SQLException e) {
            outcomes.clear();
            for (Append a : appends) {
                outcomes.put(a, JdbcAccess.isConnectionFailure(e) ? GroupCommit.Outcome.failed(failedAppend(a, e))
                        : alone(a));
            }
        }
        List<GroupCommit.Outcome<long[]>> inOrder = new ArrayList<>(appends.size());
        appends.forEach(a -> inOrder.add(outcomes.get(a)));
        return inOrder;
    }

    /**
     * Checkpoints of one statement as one batch: each row update and its delta insert in one statement, whose update
     * count says whether its compare-and-set held and whose returned row carries its compaction counters.
     */
    private void appendBatch(Connection c, List<Append> same, Map<Append, GroupCommit.Outcome<long[]>> outcomes)
            throws SQLException {
        String sql = "WITH u AS (" + same.get(0).update().sql() + " RETURNING delta_count, delta_bytes, snapshot_bytes)"
                     + " INSERT INTO " + schema.deltas + " (execution_id, version, delta)"
                     + " SELECT CAST(? AS VARCHAR(200)), CAST(? AS BIGINT), CAST(? AS TEXT) FROM u"
                     + " RETURNING execution_id, (SELECT delta_count FROM u), (SELECT delta_bytes FROM u),"
                     + " (SELECT snapshot_bytes FROM u)";
        Map<String, long[]> counters = new HashMap<>();
        int[] written;
        try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            for (Append a : same) {
                JdbcAccess.bindAll(ps, a.update().bind(ps, a.id(), a.expected(), a.bytes()), a.id(),
                        a.expected() + 1, a.json());
                ps.addBatch();
            }
            written = ps.executeBatch();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                while (rs.next()) {
                    counters.put(rs.getString(1), new long[] { rs.getLong(2), rs.getLong(3), rs.getLong(4) });
                }
            }
        }
        for (int i = 0; i < same.size(); i++) {
            Append a = same.get(i);
            long[] counts = counters.get(a.id());
            outcomes.put(a, written[i] == 1 && counts != null ? GroupCommit.Outcome.of(counts)
                    : GroupCommit.Outcome.failed(conflict(c, a.id(), a.expected())));
        }
    }

    private GroupCommit.Outcome<long[]> alone(Append a) {
        try {
            return GroupCommit.Outcome.of(writeAlone(a));
        } catch (RuntimeException e) {
            return GroupCommit.Outcome.failed(e);
        }
    }

    private RuntimeException failedAppend(Append a, SQLException e) {
        if (JdbcAccess.isDuplicateKey(e)) {
            // a restart that makes the run unfinished while another run holds its business key; or two racing
            // updates that both passed (seen once on H2): the second delta row collides, the same conflict
            FlowSnapshotDelta delta = a.delta();
            RuntimeException duplicate = afterDuplicate(a.id(), a.expected(),
                    delta.changes(RunField.STATUS) && !delta.status().isFinished() ? storedKey(a.id()) : null);
            return duplicate instanceof DuplicateBusinessKeyException ? duplicate
                    : RepositoryChecks.runConflict(a.id(), a.expected(), null);
        }
        return jdbc.failed("save a checkpoint of run " + a.id(), e);
    }

    /** PostgreSQL: the row update and the delta insert in one statement. Returns the compaction counters. */
    private long[] appendInOneStatement(Connection c, Append a) throws SQLException {
        String sql = "WITH u AS (" + a.update().sql() + " RETURNING delta_count, delta_bytes, snapshot_bytes),"
                     + " i AS (INSERT INTO " + schema.deltas + " (execution_id, version, delta)"
                     + " SELECT CAST(? AS VARCHAR(200)), CAST(? AS BIGINT), CAST(? AS TEXT) FROM u)"
                     + " SELECT delta_count, delta_bytes, snapshot_bytes FROM u";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            JdbcAccess.bindAll(ps, a.update().bind(ps, a.id(), a.expected(), a.bytes()), a.id(), a.expected() + 1,
                    a.json());
            return counters(c, ps, a.id(), a.expected());
        }
    }

    /** H2: the row update, then the delta insert, in one transaction. Returns the compaction counters. */
    private long[] appendInTwoStatements(Connection c, Append a) throws SQLException {
        long[] counts;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT delta_count, delta_bytes, snapshot_bytes FROM FINAL TABLE (" + a.update().sql() + ")")) {
            a.update().bind(ps, a.id(), a.expected(), a.bytes());
            counts = counters(c, ps, a.id(), a.expected());
        }
        JdbcAccess.update(c, "INSERT INTO " + schema.deltas + " (execution_id, version, delta) VALUES (?, ?, ?)",
                a.id(), a.expected() + 1, a.json());
        return counts;
    }

    private long[] counters(Connection c, PreparedStatement ps, String id, long expected) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw conflict(c, id, expected);
            }
            return new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3) };
        }
    }

    Optional<FlowSnapshot> load(String id) {
        try {
            return jdbc.withConnection(c -> {
                for (int attempt = 1; attempt <= LOAD_ATTEMPTS; attempt++) {
                    Optional<FlowSnapshot> loaded = tryLoad(c, id);
                    if (loaded != null) {
                        return loaded;
                    }
                }
                throw new FlowStateException("Run " + id + " changed during each of " + LOAD_ATTEMPTS
                                             + " attempts to read it (compactions racing the read); try again");
            });
        } catch (SQLException e) {
            throw jdbc.failed("load run " + id, e);
        }
    }

    /** One consistent read, or null when a compaction moved the deltas between the two queries. */
    private Optional<FlowSnapshot> tryLoad(Connection c, String id) throws SQLException {
        StoredRow stored = JdbcAccess.queryFirst(c,
                "SELECT snapshot, snapshot_version, version FROM " + schema.runs + " WHERE execution_id = ?",
                rs -> new StoredRow(rs.getString(1), rs.getLong(2), rs.getLong(3)), id);
        if (stored == null) {
            return Optional.empty();
        }
        String where = "table " + schema.runs;
        FlowSnapshot base = codec.decode(stored.json.getBytes(StandardCharsets.UTF_8), id, where);
        if (base.version() != stored.snapshotVersion) {
            throw new FlowSnapshotFormatException("Run " + id + " in " + where + " holds snapshot version "
                                                  + base.version() + " where its row says " + stored.snapshotVersion
                                                  + ": the row was changed outside camel-flowstate");
        }
        if (stored.version == stored.snapshotVersion) {
            return Optional.of(base);
        }
        List<FlowSnapshotDelta> deltas = new ArrayList<>();
        long expected = stored.snapshotVersion + 1;
        for (StoredDelta delta : JdbcAccess.query(c, "SELECT version, delta FROM " + schema.deltas
                                                     + " WHERE execution_id = ? AND version > ? AND version <= ? ORDER BY version",
                rs -> new StoredDelta(rs.getLong(1), rs.getString(2)), id, stored.snapshotVersion, stored.version)) {
            if (delta.version != expected++) {
                return null;
            }
            byte[] bytes = delta.json.getBytes(StandardCharsets.UTF_8);
            deltas.add(codec.decodeDelta(bytes, 0, bytes.length, id, "table " + schema.deltas).delta());
        }
        if (expected != stored.version + 1) {
            return null;
        }
        return Optional.of(FlowSnapshotDelta.merge(base, deltas, stored.version, false));
    }

    private record StoredRow(String json, long snapshotVersion, long version) {
    }

    private record StoredDelta(long version, String json) {
    }

    /** Folds a run's deltas into its snapshot column; a failure or a concurrent write leaves the run as it was. */
    private void compact(String id) {
        try {
            Optional<FlowSnapshot> loaded = load(id);
            if (loaded.isEmpty()) {
                return;
            }
            FlowSnapshot merged = loaded.get();
            byte[] data = codec.encode(merged, merged.version());
            jdbc.inTransaction(c -> {
                int updated = JdbcAccess.update(c, "UPDATE " + schema.runs + " SET snapshot = ?, snapshot_version = ?,"
                                                   + " snapshot_bytes = ?, delta_count = 0, delta_bytes = 0"
                                                   + " WHERE execution_id = ? AND version = ?",
                        new String(data, StandardCharsets.UTF_8), merged.version(), (long) data.length, id,
                        merged.version());
                if (updated == 1) {
                    JdbcAccess.update(c, "DELETE FROM " + schema.deltas + " WHERE execution_id = ? AND version <= ?",
                            id, merged.version());
                }
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not compact run {} ({}): its deltas are kept until a compaction succeeds", id, e.getMessage());
        }
    }

    void delete(String id, long expectedVersion) {
        try {
            jdbc.inTransaction(c -> {
                if (JdbcAccess.update(c, "DELETE FROM " + schema.runs
                                         + " WHERE execution_id = ? AND version = ? AND format_version <= ?",
                        id, expectedVersion, FlowSnapshot.FORMAT_VERSION) == 0) {
                    throw conflict(c, id, expectedVersion);
                }
                deleteDeltas(c, id);
                return null;
            });
        } catch (SQLException e) {
            throw jdbc.failed("delete run " + id, e);
        }
    }

    private void deleteDeltas(Connection c, String id) throws SQLException {
        JdbcAccess.update(c, "DELETE FROM " + schema.deltas + " WHERE execution_id = ?", id);
    }

    /** After zero rows were written: a conflict, or a run of a newer format that must not be overwritten. */
    private RuntimeException conflict(Connection c, String id, long expected) throws SQLException {
        long[] stored = JdbcAccess.queryFirst(c,
                "SELECT version, format_version FROM " + schema.runs + " WHERE execution_id = ?",
                rs -> new long[] { rs.getLong(1), rs.getInt(2) }, id);
        if (stored == null) {
            return RepositoryChecks.runConflict(id, expected, null);
        }
        if (stored[1] > FlowSnapshot.FORMAT_VERSION) {
            return new FlowSnapshotFormatException("Run " + id + " in table " + schema.runs
                                                   + " is in snapshot format " + stored[1] + ", newer than format "
                                                   + FlowSnapshot.FORMAT_VERSION
                                                   + " which this camel-flowstate reads: run the newer camel-flowstate"
                                                   + " that wrote it. Nothing was changed");
        }
        return RepositoryChecks.runConflict(id, expected, stored[0]);
    }

    /**
     * After a duplicate key: when the write would make the run hold business key {@code flowAndKey} (flow id, key;
     * null when it would hold none), the unfinished run of that flow that holds the key, else the conflict on the
     * run's own row.
     */
    private RuntimeException afterDuplicate(String id, long expected, String[] flowAndKey) {
        try {
            return jdbc.withConnection(c -> {
                String holder = flowAndKey == null ? null : JdbcAccess.queryFirst(c, "SELECT execution_id FROM "
                                                                                     + schema.runs + " WHERE flow_id = ?"
                                                                                     + " AND open_business_key = ?"
                                                                                     + " AND execution_id <> ?",
                        rs -> rs.getString(1), flowAndKey[0], flowAndKey[1], id);
                if (flowAndKey != null && (holder != null || expected == 0)) {
                    // no holder after an insert: it finished since, and the key is free to try again
                    return DuplicateBusinessKeyException.of(id, flowAndKey[0], flowAndKey[1], holder);
                }
                return conflict(c, id, expected);
            });
        } catch (SQLException e) {
            return RepositoryChecks.runConflict(id, expected, null);
        }
    }

    /** The flow id and business key of a stored run, null when it has no key or is not stored. */
    private String[] storedKey(String id) {
        try {
            return jdbc.withConnection(c -> JdbcAccess.queryFirst(c, "SELECT flow_id, business_key FROM " + schema.runs
                                                                     + " WHERE execution_id = ? AND business_key IS NOT NULL",
                    rs -> new String[] { rs.getString(1), rs.getString(2) }, id));
        } catch (SQLException e) {
            return null;
        }
    }
}
