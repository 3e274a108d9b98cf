package io.flowstate.camel.snapshot.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.Compaction;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotFormatException;
import io.flowstate.camel.snapshot.FlowSnapshotPage;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.RepositoryChecks;
import io.flowstate.camel.snapshot.VersionedValue;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.Configurer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs and persistent values in a database reached through a user-supplied {@link DataSource} (plain JDBC): H2 or
 * PostgreSQL, detected from the connection's metadata. Several Camel nodes may share one database: every write is a
 * compare-and-set on the {@code version} column ({@code UPDATE ... WHERE execution_id = ? AND version = ?}, zero rows
 * = conflict; a plain INSERT for new rows, a duplicate key = conflict; a versioned DELETE), and every value is a bound
 * parameter. The tables (see {@link JdbcSchema} for the DDL) are created on start when absent.
 * <p>
 * Checkpoints: a delta is one row in the deltas table plus a cheap update of the run's indexed columns (status, lease,
 * wake-up time, version), never a rewrite of the snapshot: on PostgreSQL one statement, i.e. one round trip and one
 * commit. Deltas are folded into the snapshot column (compaction) once a run has {@code compactAfterDeltas} of them or
 * their bytes exceed both {@code compactAfterBytes} and the snapshot, so loads stay short and writes stay proportional
 * to what changed.
 * <p>
 * Durability is the database's: PostgreSQL with its defaults (fsync, synchronous_commit on) keeps every acknowledged
 * checkpoint. H2 must be opened with {@code ;WRITE_DELAY=0} in its URL, or a killed process loses committed
 * checkpoints (this repository logs a warning otherwise); even then H2 does not fsync, so it survives a process crash
 * but not a power loss.
 */
@Metadata(label = "bean",
          description = "Flow snapshot repository on a JDBC DataSource (H2 or PostgreSQL); several nodes may share it.",
          annotations = { "interfaceName=io.flowstate.camel.snapshot.FlowSnapshotRepository" })
@Configurer(metadataOnly = true)
@ManagedResource(description = "JDBC flow snapshot repository")
public class JdbcFlowSnapshotRepository extends ServiceSupport implements FlowSnapshotRepository {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcFlowSnapshotRepository.class);
    private static final String DUPLICATE_KEY = "23505";
    private static final int LOAD_ATTEMPTS = 5;
    /** Before any time a run records (they come from the clock): the lower bound of the time-range finds. */
    static final Instant EARLIEST = Instant.EPOCH;
    private static final String FINISHED_BETWEEN = " WHERE finished_at >= ? AND finished_at < ?";
    private static final String SUMMARY_COLUMNS = "execution_id, flow_id, route_id, status, version, created_at,"
                                                  + " updated_at, waiting_for, wake_at, lease_owner, lease_expires_at";

    @Metadata(description = "The DataSource of the database holding the tables.", required = true)
    private DataSource dataSource;
    @Metadata(description = "Prefix of the table and index names: letters, digits and underscores, starting with a"
                            + " letter.",
              defaultValue = "flowstate_")
    private String tablePrefix = "flowstate_";
    @Metadata(description = "The database dialect: h2 or postgresql. Detected from the connection when not set.")
    private String dialect;
    private volatile String location;
    @Metadata(description = "Whether to create the tables and indexes on start when they do not exist.",
              defaultValue = "true")
    private boolean createSchema = true;
    @Metadata(description = "Compact a run (fold its deltas into its snapshot) once it has this many deltas.",
              defaultValue = "1000")
    private int compactAfterDeltas = 1000;
    @Metadata(description = "Compact a run once its deltas are larger than this and than its snapshot. The unit is"
                            + " bytes.",
              defaultValue = "65536")
    private long compactAfterBytes = 64 * 1024;
    @Metadata(description = "The largest snapshot, delta or value stored; larger ones fail with a clear error and"
                            + " nothing is stored. The unit is bytes.",
              defaultValue = "16777216")
    private int maxSnapshotSize = FlowSnapshotCodec.DEFAULT_MAX_SNAPSHOT_SIZE;

    private Compaction compaction;
    private JdbcDialect resolvedDialect;
    private JdbcSchema schema;
    private FlowSnapshotCodec codec;
    private JdbcValueStore values;

    public JdbcFlowSnapshotRepository() {
    }

    public JdbcFlowSnapshotRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    // ---------------------------------------------------------------- options

    public DataSource getDataSource() {
        return dataSource;
    }

    /** The DataSource of the database holding the tables. */
    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @ManagedAttribute(description = "Prefix of the table names")
    public String getTablePrefix() {
        return tablePrefix;
    }

    /** Prefix of the table and index names (letters, digits, underscores; starts with a letter). */
    public void setTablePrefix(String tablePrefix) {
        this.tablePrefix = tablePrefix;
    }

    @ManagedAttribute(description = "The database dialect")
    public String getDialect() {
        return resolvedDialect != null ? resolvedDialect.name() : dialect;
    }

    /** The database dialect: h2 or postgresql; detected from the connection when not set. */
    public void setDialect(String dialect) {
        this.dialect = dialect;
    }

    public boolean isCreateSchema() {
        return createSchema;
    }

    /** Whether to create the tables and indexes on start when they do not exist. */
    public void setCreateSchema(boolean createSchema) {
        this.createSchema = createSchema;
    }

    public int getCompactAfterDeltas() {
        return compactAfterDeltas;
    }

    /** Compact a run once it has this many deltas. */
    public void setCompactAfterDeltas(int compactAfterDeltas) {
        this.compactAfterDeltas = compactAfterDeltas;
    }

    public long getCompactAfterBytes() {
        return compactAfterBytes;
    }

    /** Compact a run once its deltas are larger than this (in bytes) and than its snapshot. */
    public void setCompactAfterBytes(long compactAfterBytes) {
        this.compactAfterBytes = compactAfterBytes;
    }

    public int getMaxSnapshotSize() {
        return maxSnapshotSize;
    }

    /** The largest snapshot, delta or value stored, in bytes. */
    public void setMaxSnapshotSize(int maxSnapshotSize) {
        this.maxSnapshotSize = maxSnapshotSize;
    }

    /** The database URL (never credentials) and the tables' prefix. */
    @Override
    public String location() {
        return location != null ? location : FlowSnapshotRepository.super.location();
    }

    /** A URL without user info, parameters or settings, where a password may be written. */
    private static String withoutSettings(String url) {
        return url == null ? "jdbc" : url.replaceAll("[?;].*$", "").replaceAll("//[^/@]*@", "//");
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    protected void doStart() throws Exception {
        if (dataSource == null) {
            throw new IllegalArgumentException("The JDBC flow snapshot repository needs a dataSource");
        }
        compaction = new Compaction(compactAfterDeltas, compactAfterBytes);
        codec = new FlowSnapshotCodec(maxSnapshotSize);
        try (Connection c = dataSource.getConnection()) {
            resolvedDialect = dialect != null ? JdbcDialect.of(dialect) : JdbcDialect.detect(c);
            location = withoutSettings(c.getMetaData().getURL()) + "#" + tablePrefix;
            schema = new JdbcSchema(tablePrefix, resolvedDialect);
            if (createSchema) {
                createTables(c);
            }
            checkTables(c);
            if (resolvedDialect == JdbcDialect.H2) {
                warnWithoutWriteDelayZero(c);
            }
        }
        values = new JdbcValueStore(dataSource, schema, codec);
        LOG.info("JDBC flow snapshot repository on {} tables {}*", resolvedDialect, tablePrefix);
    }

    private void createTables(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
            for (String ddl : schema.ddl()) {
                try {
                    st.execute(ddl);
                } catch (SQLException e) {
                    // another node may be creating the same tables right now; checkTables decides
                    LOG.debug("Schema statement failed ({}): {}", e.getMessage(), ddl);
                }
            }
            addParentColumnIfMissing(st);
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private void addParentColumnIfMissing(Statement st) {
        try {
            st.executeQuery(schema.parentColumnProbe()).close();
        } catch (SQLException missing) {
            try {
                st.execute(schema.addParentColumn());
                LOG.info("Added column parent_execution_id to {} (created by an earlier version)", schema.runs);
            } catch (SQLException e) {
                LOG.debug("Could not add column parent_execution_id to {}: {}", schema.runs, e.getMessage());
            }
        }
    }

    private void checkTables(Connection c) {
        for (String probe : schema.probes()) {
            try (Statement st = c.createStatement()) {
                st.executeQuery(probe).close();
            } catch (SQLException e) {
                throw new FlowStateException("The flowstate tables " + schema.runs + ", " + schema.deltas + ", "
                                             + schema.values + " are missing, not readable or lack a column (" + e.getMessage()
                                             + "). Create them (see JdbcSchema for the DDL) or set createSchema=true;"
                                             + " tables of an earlier version lack finished_at: add it as"
                                             + " TIMESTAMP WITH TIME ZONE, set to updated_at for COMPLETED and FAILED runs;"
                                             + " and parent_execution_id: add it as VARCHAR(200), left null",
                        e);
            }
        }
    }

    private void warnWithoutWriteDelayZero(Connection c) {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            if (rs.next() && !"0".equals(rs.getString(1).trim())) {
                LOG.warn("H2 runs with WRITE_DELAY={}: a killed process loses recently committed checkpoints."
                         + " Add ;WRITE_DELAY=0 to the JDBC URL",
                        rs.getString(1));
            }
        } catch (SQLException e) {
            LOG.debug("Could not read H2's WRITE_DELAY: {}", e.getMessage());
        }
    }

    @Override
    protected void doStop() throws Exception {
        // the DataSource belongs to the user: nothing to close
    }

    // ---------------------------------------------------------------- runs

    @Override
    public long save(FlowSnapshot snapshot, long expectedVersion) {
        RepositoryChecks.snapshot(snapshot);
        RepositoryChecks.expectedVersion(expectedVersion);
        String id = RepositoryChecks.executionId(snapshot.executionId());
        checkStarted();
        long version = expectedVersion + 1;
        byte[] data = codec.encode(snapshot, version);
        String json = new String(data, StandardCharsets.UTF_8);
        try {
            return inTransaction(c -> {
                if (expectedVersion == 0) {
                    insertRun(c, snapshot, data.length, json);
                    // rows a purge raced with, of an earlier run with this id
                    delete(c, "DELETE FROM " + schema.deltas + " WHERE execution_id = ?", id);
                } else {
                    if (updateRun(c, snapshot, expectedVersion, data.length, json) == 0) {
                        throw conflict(c, id, expectedVersion);
                    }
                    delete(c, "DELETE FROM " + schema.deltas + " WHERE execution_id = ?", id);
                }
                return version;
            });
        } catch (SQLException e) {
            if (DUPLICATE_KEY.equals(e.getSQLState())) {
                throw conflictAfterDuplicate(id);
            }
            throw failed("save run " + id, e);
        }
    }

    private void insertRun(Connection c, FlowSnapshot s, int bytes, String json) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.runs
                                                       + " (execution_id, flow_id, route_id, status, version, format_version, created_at,"
                                                       + " updated_at, waiting_for, wake_at, lease_owner, lease_expires_at, finished_at,"
                                                       + " snapshot_version, snapshot_bytes, delta_count, delta_bytes, snapshot, parent_execution_id)"
                                                       + " VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 0, 0, ?, ?)")) {
            ps.setString(1, s.executionId());
            ps.setString(2, s.flowId());
            text(ps, 3, s.routeId());
            ps.setString(4, s.status().name());
            ps.setInt(5, FlowSnapshot.FORMAT_VERSION);
            instant(ps, 6, s.createdAt());
            instant(ps, 7, s.updatedAt());
            text(ps, 8, s.waitingFor());
            instant(ps, 9, s.wakeAt());
            text(ps, 10, s.leaseOwner());
            instant(ps, 11, s.leaseExpiresAt());
            instant(ps, 12, finishedAt(s.status(), s.updatedAt()));
            ps.setLong(13, bytes);
            ps.setString(14, json);
            text(ps, 15, s.parentExecutionId());
            ps.executeUpdate();
        }
    }

    private int updateRun(Connection c, FlowSnapshot s, long expected, int bytes, String json) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.runs
                                                       + " SET flow_id = ?, route_id = ?, status = ?, version = ?, format_version = ?,"
                                                       + " created_at = ?, updated_at = ?, waiting_for = ?, wake_at = ?, lease_owner = ?,"
                                                       + " lease_expires_at = ?, finished_at = ?, snapshot_version = ?, snapshot_bytes = ?, delta_count = 0,"
                                                       + " delta_bytes = 0, snapshot = ?, parent_execution_id = ?"
                                                       + " WHERE execution_id = ? AND version = ? AND format_version <= ?")) {
            ps.setString(1, s.flowId());
            text(ps, 2, s.routeId());
            ps.setString(3, s.status().name());
            ps.setLong(4, expected + 1);
            ps.setInt(5, FlowSnapshot.FORMAT_VERSION);
            instant(ps, 6, s.createdAt());
            instant(ps, 7, s.updatedAt());
            text(ps, 8, s.waitingFor());
            instant(ps, 9, s.wakeAt());
            text(ps, 10, s.leaseOwner());
            instant(ps, 11, s.leaseExpiresAt());
            instant(ps, 12, finishedAt(s.status(), s.updatedAt()));
            ps.setLong(13, expected + 1);
            ps.setLong(14, bytes);
            ps.setString(15, json);
            text(ps, 16, s.parentExecutionId());
            ps.setString(17, s.executionId());
            ps.setLong(18, expected);
            ps.setInt(19, FlowSnapshot.FORMAT_VERSION);
            return ps.executeUpdate();
        }
    }

    @Override
    public long saveDelta(String executionId, FlowSnapshotDelta delta, long expectedVersion) {
        String id = RepositoryChecks.executionId(executionId);
        RepositoryChecks.expectedVersion(expectedVersion);
        checkStarted();
        long version = expectedVersion + 1;
        byte[] data = codec.encodeDelta(id, delta, version);
        String json = new String(data, StandardCharsets.UTF_8);
        DeltaUpdate update = new DeltaUpdate(schema, delta);
        long[] counts;
        try {
            counts = resolvedDialect.writableCte()
                    ? committed(dataSource, c -> appendInOneStatement(c, update, id, expectedVersion, data.length, json))
                    : inTransaction(c -> appendInTwoStatements(c, update, id, expectedVersion, data.length, json));
        } catch (SQLException e) {
            if (DUPLICATE_KEY.equals(e.getSQLState())) {
                // two racing updates that both passed (seen once on H2): the second delta row collides,
                // which is the same conflict
                throw RepositoryChecks.runConflict(id, expectedVersion, null);
            }
            throw failed("save a checkpoint of run " + id, e);
        }
        long deltaCount = counts[0];
        long deltaBytes = counts[1];
        long snapshotBytes = counts[2];
        if (compaction.due(deltaCount, deltaBytes, snapshotBytes)) {
            compact(id);
        }
        return version;
    }

    private long[] appendInOneStatement(
            Connection c, DeltaUpdate update, String id, long expected, int bytes, String json)
            throws SQLException {
        String sql = "WITH u AS (" + update.sql() + " RETURNING delta_count, delta_bytes, snapshot_bytes),"
                     + " i AS (INSERT INTO " + schema.deltas + " (execution_id, version, delta)"
                     + " SELECT CAST(? AS VARCHAR(200)), CAST(? AS BIGINT), CAST(? AS TEXT) FROM u)"
                     + " SELECT delta_count, delta_bytes, snapshot_bytes FROM u";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = update.bind(ps, id, expected, bytes);
            ps.setString(i++, id);
            ps.setLong(i++, expected + 1);
            ps.setString(i, json);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw conflict(c, id, expected);
                }
                return new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3) };
            }
        }
    }

    private long[] appendInTwoStatements(
            Connection c, DeltaUpdate update, String id, long expected, int bytes, String json)
            throws SQLException {
        long[] counts;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT delta_count, delta_bytes, snapshot_bytes FROM FINAL TABLE (" + update.sql() + ")")) {
            update.bind(ps, id, expected, bytes);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw conflict(c, id, expected);
                }
                counts = new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3) };
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO " + schema.deltas + " (execution_id, version, delta) VALUES (?, ?, ?)")) {
            ps.setString(1, id);
            ps.setLong(2, expected + 1);
            ps.setString(3, json);
            ps.executeUpdate();
        }
        return counts;
    }

    @Override
    public Optional<FlowSnapshot> load(String executionId) {
        String id = RepositoryChecks.executionId(executionId);
        checkStarted();
        try {
            return withConnection(c -> {
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
            throw failed("load run " + id, e);
        }
    }

    /** One consistent read, or null when a compaction moved the deltas between the two queries. */
    private Optional<FlowSnapshot> tryLoad(Connection c, String id) throws SQLException {
        String json;
        long snapshotVersion;
        long version;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT snapshot, snapshot_version, version FROM " + schema.runs + " WHERE execution_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                json = rs.getString(1);
                snapshotVersion = rs.getLong(2);
                version = rs.getLong(3);
            }
        }
        String where = "table " + schema.runs;
        FlowSnapshot base = codec.decode(json.getBytes(StandardCharsets.UTF_8), id, where);
        if (base.version() != snapshotVersion) {
            throw new FlowSnapshotFormatException("Run " + id + " in " + where + " holds snapshot version "
                                                  + base.version() + " where its row says " + snapshotVersion
                                                  + ": the row was changed outside camel-flowstate");
        }
        if (version == snapshotVersion) {
            return Optional.of(base);
        }
        List<FlowSnapshotDelta> deltas = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT version, delta FROM " + schema.deltas
                                                       + " WHERE execution_id = ? AND version > ? AND version <= ? ORDER BY version")) {
            ps.setString(1, id);
            ps.setLong(2, snapshotVersion);
            ps.setLong(3, version);
            try (ResultSet rs = ps.executeQuery()) {
                long expected = snapshotVersion + 1;
                while (rs.next()) {
                    if (rs.getLong(1) != expected) {
                        return null;
                    }
                    byte[] delta = rs.getString(2).getBytes(StandardCharsets.UTF_8);
                    deltas.add(codec.decodeDelta(delta, 0, delta.length, id, "table " + schema.deltas).delta());
                    expected++;
                }
                if (expected != version + 1) {
                    return null;
                }
            }
        }
        return Optional.of(FlowSnapshotDelta.merge(base, deltas, version, false));
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
            inTransaction(c -> {
                int updated;
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.runs
                                                               + " SET snapshot = ?, snapshot_version = ?, snapshot_bytes = ?, delta_count = 0,"
                                                               + " delta_bytes = 0 WHERE execution_id = ? AND version = ?")) {
                    ps.setString(1, new String(data, StandardCharsets.UTF_8));
                    ps.setLong(2, merged.version());
                    ps.setLong(3, data.length);
                    ps.setString(4, id);
                    ps.setLong(5, merged.version());
                    updated = ps.executeUpdate();
                }
                if (updated == 1) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "DELETE FROM " + schema.deltas + " WHERE execution_id = ? AND version <= ?")) {
                        ps.setString(1, id);
                        ps.setLong(2, merged.version());
                        ps.executeUpdate();
                    }
                }
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not compact run {} ({}): its deltas are kept until a compaction succeeds", id, e.getMessage());
        }
    }

    @Override
    public void delete(String executionId, long expectedVersion) {
        String id = RepositoryChecks.executionId(executionId);
        checkStarted();
        try {
            inTransaction(c -> {
                int deleted;
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema.runs
                                                               + " WHERE execution_id = ? AND version = ? AND format_version <= ?")) {
                    ps.setString(1, id);
                    ps.setLong(2, expectedVersion);
                    ps.setInt(3, FlowSnapshot.FORMAT_VERSION);
                    deleted = ps.executeUpdate();
                }
                if (deleted == 0) {
                    throw conflict(c, id, expectedVersion);
                }
                delete(c, "DELETE FROM " + schema.deltas + " WHERE execution_id = ?", id);
                return null;
            });
        } catch (SQLException e) {
            throw failed("delete run " + id, e);
        }
    }

    @Override
    public FlowSnapshotPage find(FlowSnapshotQuery query) {
        checkStarted();
        StringBuilder sql = new StringBuilder("SELECT " + SUMMARY_COLUMNS + " FROM " + schema.runs + " WHERE status IN (");
        List<FlowStatus> statuses = new ArrayList<>(query.statuses());
        for (int i = 0; i < statuses.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        sql.append(')');
        if (query.flowId() != null) {
            sql.append(" AND flow_id = ?");
        }
        if (query.afterCreatedAt() != null) {
            sql.append(" AND (created_at > ? OR (created_at = ? AND execution_id > ?))");
        }
        sql.append(" ORDER BY created_at, execution_id FETCH FIRST ? ROWS ONLY");
        try {
            List<FlowSnapshotSummary> rows = withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    int i = 1;
                    for (FlowStatus status : statuses) {
                        ps.setString(i++, status.name());
                    }
                    if (query.flowId() != null) {
                        ps.setString(i++, query.flowId());
                    }
                    if (query.afterCreatedAt() != null) {
                        instant(ps, i++, query.afterCreatedAt());
                        instant(ps, i++, query.afterCreatedAt());
                        ps.setString(i++, query.afterExecutionId());
                    }
                    ps.setInt(i, query.pageSize() + 1);
                    return summaries(ps);
                }
            });
            if (rows.size() <= query.pageSize()) {
                return new FlowSnapshotPage(rows, null);
            }
            List<FlowSnapshotSummary> page = rows.subList(0, query.pageSize());
            return new FlowSnapshotPage(page, FlowSnapshotQuery.pageTokenAfter(page.get(page.size() - 1)));
        } catch (SQLException e) {
            throw failed("find runs", e);
        }
    }

    @Override
    public List<FlowSnapshotSummary> findExpiredLeases(Instant now, int limit) {
        return findBefore(findBeforeSql(FlowStatus.RUNNING, "lease_expires_at"), now, limit, "find expired leases");
    }

    @Override
    public List<FlowSnapshotSummary> findDue(Instant now, int limit) {
        return findBefore(findBeforeSql(FlowStatus.SUSPENDED, "wake_at"), now, limit, "find due runs");
    }

    private List<FlowSnapshotSummary> findBefore(String sql, Instant now, int limit, String what) {
        RepositoryChecks.limit(limit);
        checkStarted();
        try {
            return withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    instant(ps, 1, EARLIEST);
                    instant(ps, 2, now);
                    ps.setInt(3, limit);
                    return summaries(ps);
                }
            });
        } catch (SQLException e) {
            throw failed(what, e);
        }
    }

    /**
     * Runs in {@code status} whose time {@code column} is between the parameters, earliest first (parameters: lower
     * bound, upper bound, limit). The status literal (a constant, never input) lets PostgreSQL use its partial index;
     * the lower bound {@link #EARLIEST} lets H2's plain index start past its null entries, one per run in any other
     * status, instead of reading through them on every maintenance pass.
     */
    String findBeforeSql(FlowStatus status, String column) {
        return "SELECT " + SUMMARY_COLUMNS + " FROM " + schema.runs + " WHERE status = '" + status + "' AND " + column
               + " BETWEEN ? AND ? ORDER BY " + column + ", execution_id FETCH FIRST ? ROWS ONLY";
    }

    @Override
    public int purgeFinished(Instant finishedBefore) {
        checkStarted();
        try {
            return inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(purgeDeltasSql())) {
                    instant(ps, 1, EARLIEST);
                    instant(ps, 2, finishedBefore);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(purgeRunsSql())) {
                    instant(ps, 1, EARLIEST);
                    instant(ps, 2, finishedBefore);
                    return ps.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw failed("purge finished runs", e);
        }
    }

    /**
     * Parameters: lower bound (as in {@link #findBeforeSql}: H2's index holds a null per unfinished run), cut-off. A run
     * whose deltas are still there is left to the next pass: its parent finished between the two statements (the
     * deltas statement saw the run held, this one does not), and removing the row would orphan them.
     */
    String purgeRunsSql() {
        return "DELETE FROM " + schema.runs + " r" + FINISHED_BETWEEN + notHeld("r")
               + " AND NOT EXISTS (SELECT 1 FROM " + schema.deltas + " d WHERE d.execution_id = r.execution_id)";
    }

    String purgeDeltasSql() {
        return "DELETE FROM " + schema.deltas + " WHERE execution_id IN (SELECT r.execution_id FROM " + schema.runs
               + " r" + FINISHED_BETWEEN + notHeld("r") + ")";
    }

    /**
     * Leaves out a finished inner run whose parent is stored and not finished: the parent re-enters the step that
     * called it (after a resume or a crash) and must find it, or the inner flow's steps would run again. The parent is
     * found by its primary key. Rows written before the column existed have no parent here and purge as before.
     */
    private String notHeld(String run) {
        return " AND NOT EXISTS (SELECT 1 FROM " + schema.runs + " p WHERE p.execution_id = " + run
               + ".parent_execution_id AND p.status NOT IN ('COMPLETED', 'FAILED'))";
    }

    @Override
    public int purgeFinishedBeyond(int maxFinishedRuns) {
        if (maxFinishedRuns < 0) {
            throw new IllegalArgumentException("maxFinishedRuns must be 0 or more, not " + maxFinishedRuns);
        }
        checkStarted();
        try {
            return inTransaction(c -> {
                List<String> ids = new ArrayList<>();
                List<Long> versions = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT execution_id, version FROM " + schema.runs
                                                               + " WHERE finished_at IS NOT NULL"
                                                               + " ORDER BY finished_at DESC, execution_id OFFSET ? ROWS")) {
                    ps.setInt(1, maxFinishedRuns);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getString(1));
                            versions.add(rs.getLong(2));
                        }
                    }
                }
                int removed = 0;
                for (int i = 0; i < ids.size(); i++) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema.runs
                                                                   + " r WHERE execution_id = ? AND version = ?" + notHeld("r"))) {
                        ps.setString(1, ids.get(i));
                        ps.setLong(2, versions.get(i));
                        if (ps.executeUpdate() == 1) {
                            removed++;
                            delete(c, "DELETE FROM " + schema.deltas + " WHERE execution_id = ?", ids.get(i));
                        }
                    }
                }
                return removed;
            });
        } catch (SQLException e) {
            throw failed("purge finished runs beyond " + maxFinishedRuns, e);
        }
    }

    // ---------------------------------------------------------------- persistent values

    @Override
    public Optional<VersionedValue> getValue(String namespace, String key) {
        return values().get(namespace, key);
    }

    @Override
    public long putValue(String namespace, String key, JsonNode value, long expectedVersion) {
        RepositoryChecks.expectedVersion(expectedVersion);
        return values().put(namespace, key, value, expectedVersion);
    }

    @Override
    public void deleteValue(String namespace, String key, long expectedVersion) {
        values().delete(namespace, key, expectedVersion);
    }

    @Override
    public Map<String, VersionedValue> getValues(String namespace) {
        return values().getAll(namespace);
    }

    @Override
    public int deleteValues(String namespace) {
        return values().deleteAll(namespace);
    }

    private JdbcValueStore values() {
        checkStarted();
        return values;
    }

    // ---------------------------------------------------------------- helpers

    /** Fails every call before start and after stop, like the file repository: no statement reaches the database. */
    private void checkStarted() {
        if (!isStarted() && !isSuspended()) {
            throw new IllegalStateException("The JDBC flow snapshot repository on tables " + tablePrefix + "* is not"
                                            + " started: start it (the flowstate component does) before using it");
        }
    }

    /** After zero rows were written: a conflict, or a run of a newer format that must not be overwritten. */
    private RuntimeException conflict(Connection c, String id, long expected) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT version, format_version FROM " + schema.runs + " WHERE execution_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return RepositoryChecks.runConflict(id, expected, null);
                }
                int format = rs.getInt(2);
                if (format > FlowSnapshot.FORMAT_VERSION) {
                    return new FlowSnapshotFormatException("Run " + id + " in table " + schema.runs
                                                           + " is in snapshot format " + format + ", newer than format "
                                                           + FlowSnapshot.FORMAT_VERSION
                                                           + " which this camel-flowstate reads: run the newer camel-flowstate"
                                                           + " that wrote it. Nothing was changed");
                }
                return RepositoryChecks.runConflict(id, expected, rs.getLong(1));
            }
        }
    }

    private RuntimeException conflictAfterDuplicate(String id) {
        try {
            return withConnection(c -> conflict(c, id, 0));
        } catch (SQLException e) {
            return RepositoryChecks.runConflict(id, 0, null);
        }
    }

    private List<FlowSnapshotSummary> summaries(PreparedStatement ps) throws SQLException {
        List<FlowSnapshotSummary> list = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                list.add(new FlowSnapshotSummary(
                        rs.getString(1), rs.getString(2), rs.getString(3), FlowStatus.valueOf(rs.getString(4)),
                        rs.getLong(5), instant(rs, 6), instant(rs, 7), rs.getString(8), instant(rs, 9),
                        rs.getString(10), instant(rs, 11)));
            }
        }
        return list;
    }

    private static void delete(Connection c, String sql, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    static void text(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    /** The finished_at column: the update time of a COMPLETED or FAILED run, null for the others. */
    static Instant finishedAt(FlowStatus status, Instant updatedAt) {
        return status.isFinished() ? updatedAt : null;
    }

    static void instant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
        }
    }

    private static Instant instant(ResultSet rs, int index) throws SQLException {
        OffsetDateTime t = rs.getObject(index, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private FlowStateException failed(String what, SQLException e) {
        return new FlowStateException("Could not " + what + " in the flowstate tables (" + tablePrefix + "*): "
                                      + e.getMessage() + " [SQLState " + e.getSQLState() + "]. Nothing was changed", e);
    }

    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T withConnection(SqlWork<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        }
    }

    private <T> T inTransaction(SqlWork<T> work) throws SQLException {
        return inTransaction(dataSource, work);
    }

    /** Runs {@code work} in one transaction; any exception rolls it back, so a failed call changes nothing. */
    static <T> T inTransaction(DataSource dataSource, SqlWork<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            } finally {
                try {
                    c.setAutoCommit(auto);
                } catch (SQLException e) {
                    LOG.debug("Could not restore auto-commit: {}", e.getMessage());
                }
            }
        }
    }

    /**
     * Runs a write of one statement: committed by the statement itself on an auto-commit connection, explicitly on
     * one of a pool configured without auto-commit (whose uncommitted work is rolled back when the connection goes
     * back to the pool). A failure rolls it back.
     */
    static <T> T committed(DataSource dataSource, SqlWork<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (c.getAutoCommit()) {
                return work.run(c);
            }
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            }
        }
    }

    private static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException rollback) {
            cause.addSuppressed(rollback);
        }
    }
}
