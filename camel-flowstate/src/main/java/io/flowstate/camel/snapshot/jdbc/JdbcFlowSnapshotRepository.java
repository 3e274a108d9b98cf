package io.flowstate.camel.snapshot.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.Compaction;
import io.flowstate.camel.snapshot.CompactingRepository;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotPage;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.RepositoryChecks;
import io.flowstate.camel.snapshot.RunCounts;
import io.flowstate.camel.snapshot.ValueUpdate;
import io.flowstate.camel.snapshot.VersionedValue;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.Configurer;
import org.apache.camel.spi.Metadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs and persistent values in a database reached through a user-supplied {@link DataSource} (plain JDBC): H2 or
 * PostgreSQL, detected from the connection's metadata. Several Camel nodes may share one database: every write is a
 * compare-and-set on the {@code version} column ({@code UPDATE ... WHERE execution_id = ? AND version = ?}, zero rows
 * = conflict; a plain INSERT for new rows, a duplicate key = conflict; a versioned DELETE), and every value is a bound
 * parameter. The tables (see {@link JdbcSchema} for the DDL) are created on start when absent, and tables of an earlier
 * version brought up to date, by ordered migrations each recorded once in a version table ({@link JdbcMigrator}).
 * <p>
 * Checkpoints: a delta is one row in the deltas table plus a cheap update of the run's indexed columns (status, lease,
 * wake-up time, version), never a rewrite of the snapshot: on PostgreSQL one statement, i.e. one round trip and one
 * commit; checkpoints of many runs saved at the same moment share one transaction
 * ({@code groupCommitThreshold}). Deltas are folded into the snapshot column (compaction) once a run has
 * {@code compactAfterDeltas} of them or their bytes exceed both {@code compactAfterBytes} and the snapshot, so loads
 * stay short and writes stay proportional to what changed.
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
public class JdbcFlowSnapshotRepository extends CompactingRepository {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcFlowSnapshotRepository.class);
    private static final int DEFAULT_GROUP_COMMIT_THRESHOLD = 8;

    @Metadata(description = "The DataSource of the database holding the tables.", required = true)
    private DataSource dataSource;
    @Metadata(description = "Prefix of the table and index names: letters, digits and underscores, starting with a"
                            + " letter.",
              defaultValue = "flowstate_")
    private String tablePrefix = "flowstate_";
    @Metadata(description = "The database dialect: h2 or postgresql. Detected from the connection when not set.")
    private String dialect;
    @Metadata(description = "Whether to create the tables and indexes on start when they do not exist, and bring"
                            + " tables of an earlier version up to date (ordered migrations, each recorded once in the"
                            + " table <prefix>schema_version).",
              defaultValue = "true")
    private boolean createSchema = true;
    @Metadata(description = "How many checkpoints are written at the same moment each in its own transaction"
                            + " (PostgreSQL); those beyond wait for one group, which shares one transaction and its"
                            + " commit, each keeping its own compare-and-set (group commit). 0 groups every"
                            + " checkpoint that finds another being written.",
              defaultValue = "8")
    private int groupCommitThreshold = DEFAULT_GROUP_COMMIT_THRESHOLD;

    private volatile String location;
    private JdbcDialect resolvedDialect;
    private JdbcSchema schema;
    private JdbcRuns runs;
    private JdbcRunQueries queries;
    private JdbcRetention retention;
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

    /**
     * Whether to create the tables and indexes on start when they do not exist, and bring tables of an earlier version
     * up to date (see {@link JdbcMigrations}).
     */
    public void setCreateSchema(boolean createSchema) {
        this.createSchema = createSchema;
    }

    @ManagedAttribute(description = "Checkpoints written at the same moment each alone before others are grouped")
    public int getGroupCommitThreshold() {
        return groupCommitThreshold;
    }

    /**
     * How many checkpoints are written at the same moment each in its own transaction (PostgreSQL; H2 writes each
     * alone). A checkpoint beyond that waits for a group: those waiting are written together, one transaction and one
     * commit, each keeping its own compare-and-set, one group at a time. Measured on 2 cores: 8 checkpoints at once
     * each alone beat one group of 8; 32 at once go faster as 8 alone plus groups.
     */
    public void setGroupCommitThreshold(int groupCommitThreshold) {
        this.groupCommitThreshold = groupCommitThreshold;
    }

    /** The database URL (never credentials) and the tables' prefix. */
    @Override
    public String location() {
        return location != null ? location : super.location();
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
        if (groupCommitThreshold < 0) {
            throw new IllegalArgumentException("groupCommitThreshold must be 0 or more, not " + groupCommitThreshold
                                               + ": the number of checkpoints written at once each alone (default "
                                               + DEFAULT_GROUP_COMMIT_THRESHOLD + ")");
        }
        Compaction compaction = compaction();
        FlowSnapshotCodec codec = codec();
        try (Connection c = dataSource.getConnection()) {
            resolvedDialect = dialect != null ? JdbcDialect.of(dialect) : JdbcDialect.detect(c);
            location = withoutSettings(c.getMetaData().getURL()) + "#" + tablePrefix;
        } catch (SQLException e) {
            throw new FlowStateException("The flowstate data source (option dataSource) " + dataSource.getClass().getName()
                                         + " gave no connection: " + e.getMessage() + ". Check its URL, user and"
                                         + " password and that the database is reachable, or leave dataSource unset"
                                         + " for the file repository in dataDirectory.",
                    e);
        }
        schema = new JdbcSchema(tablePrefix);
        JdbcAccess jdbc = new JdbcAccess(dataSource, tablePrefix);
        if (createSchema) {
            new JdbcMigrator(jdbc, schema, resolvedDialect, JdbcMigrations.MIGRATIONS).migrate();
        }
        jdbc.withConnection(c -> {
            schema.check(c);
            if (resolvedDialect == JdbcDialect.H2) {
                warnWithoutWriteDelayZero(c);
            }
            return null;
        });
        runs = new JdbcRuns(jdbc, schema, resolvedDialect, codec, compaction, groupCommitThreshold);
        queries = new JdbcRunQueries(jdbc, schema);
        retention = new JdbcRetention(jdbc, schema);
        values = new JdbcValueStore(jdbc, schema, codec);
        LOG.info("JDBC flow snapshot repository on {} tables {}*", resolvedDialect, tablePrefix);
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
        RepositoryChecks.executionId(snapshot.executionId());
        return started(runs).save(snapshot, expectedVersion);
    }

    @Override
    public long saveDelta(String executionId, FlowSnapshotDelta delta, long expectedVersion) {
        String id = RepositoryChecks.executionId(executionId);
        RepositoryChecks.expectedVersion(expectedVersion);
        return started(runs).saveDelta(id, delta, expectedVersion);
    }

    @Override
    public Optional<FlowSnapshot> load(String executionId) {
        String id = RepositoryChecks.executionId(executionId);
        return started(runs).load(id);
    }

    @Override
    public void delete(String executionId, long expectedVersion) {
        String id = RepositoryChecks.executionId(executionId);
        started(runs).delete(id, expectedVersion);
    }

    @Override
    public FlowSnapshotPage find(FlowSnapshotQuery query) {
        return started(queries).find(query);
    }

    @Override
    public List<FlowSnapshotSummary> findExpiredLeases(Instant now, int limit) {
        return started(queries).findExpiredLeases(now, limit);
    }

    @Override
    public List<FlowSnapshotSummary> findDue(Instant now, int limit) {
        return started(queries).findDue(now, limit);
    }

    @Override
    public RunCounts countRuns(Instant now) {
        return started(queries).countRuns(now);
    }

    @Override
    public int purgeFinished(Instant finishedBefore) {
        return started(retention).purgeFinished(finishedBefore);
    }

    @Override
    public int purgeFinishedBeyond(int maxFinishedRuns) {
        return started(retention).purgeFinishedBeyond(maxFinishedRuns);
    }

    // ---------------------------------------------------------------- persistent values

    @Override
    public Optional<VersionedValue> getValue(String namespace, String key) {
        return started(values).get(namespace, key);
    }

    @Override
    public long putValue(String namespace, String key, JsonNode value, long expectedVersion, Instant expiresAt) {
        RepositoryChecks.expectedVersion(expectedVersion);
        return started(values).put(namespace, key, value, expectedVersion, expiresAt);
    }

    @Override
    public VersionedValue updateValue(String namespace, String key, Function<Optional<VersionedValue>, ValueUpdate> change) {
        return started(values).update(namespace, key, change);
    }

    @Override
    public void deleteValue(String namespace, String key, long expectedVersion) {
        started(values).delete(namespace, key, expectedVersion);
    }

    @Override
    public Map<String, VersionedValue> getValues(String namespace) {
        return started(values).getAll(namespace);
    }

    @Override
    public int deleteValues(String namespace) {
        return started(values).deleteAll(namespace);
    }

    @Override
    public int purgeExpiredValues(Instant now) {
        return started(values).purgeExpired(now);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * {@code part}, unless this repository is not started: every call fails before start and after stop, like the file
     * repository's, and no statement reaches the database.
     */
    private <T> T started(T part) {
        if (!isStarted() && !isSuspended()) {
            throw new IllegalStateException("The JDBC flow snapshot repository on tables " + tablePrefix + "* is not"
                                            + " started: start it (the flowstate component does) before using it");
        }
        return part;
    }
}
