package io.flowstate.camel.snapshot.jdbc;

import java.sql.SQLException;
import java.util.List;

/**
 * The schema of the JDBC repository as an ordered list of migrations, each applied once per database and recorded in
 * the version table by {@link JdbcMigrator}. Add a change as a new migration at the end; never change a released one.
 * <p>
 * Each step looks at what is there (a column, an index's columns, a column's type) and changes only what differs from
 * its layout, so it can run again after a crash half-way through it, and on the tables of a camel-flowstate from
 * before the version table (the first three migrations are those releases: the tables as first released, then
 * {@code finished_at}, then {@code parent_execution_id}) it finds done what that release had created.
 */
final class JdbcMigrations {

    /** One change of the schema, applied as a whole by {@link #step}. */
    record Migration(int version, String description, Step step) {
    }

    interface Step {
        void apply(SchemaEditor editor) throws SQLException;
    }

    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "tables runs, run_deltas and key_values; runs indexes by flow and by creation",
                    JdbcMigrations::tables),
            new Migration(2, "runs.finished_at, set for finished runs; lease, wake-up and finish indexes on those times",
                    JdbcMigrations::finishedAt),
            new Migration(3, "runs.parent_execution_id, which purges read to keep an inner run its parent needs",
                    JdbcMigrations::parentExecutionId),
            new Migration(4, "runs indexes by flow and status, and by what a suspended run waits for, which the run"
                             + " counts read",
                    JdbcMigrations::countsIndexes),
            new Migration(5, "runs.snapshot as the dialect's text type: on H2 no longer a CLOB",
                    JdbcMigrations::snapshotText),
            new Migration(6, "runs.business_key, open_business_key (unique per flow while the run is unfinished),"
                             + " attempt and last_step; indexes for the runs query's filters",
                    JdbcMigrations::runsQuery),
            new Migration(7, "key_values.expires_at, when a value expires, indexed for the maintenance pass's purge",
                    JdbcMigrations::valueExpiry));

    private JdbcMigrations() {
    }

    private static void tables(SchemaEditor db) throws SQLException {
        JdbcSchema s = db.schema();
        String text = db.dialect().textType();
        db.execute("CREATE TABLE IF NOT EXISTS " + s.runs + " ("
                   + "execution_id VARCHAR(200) NOT NULL PRIMARY KEY, flow_id VARCHAR(200) NOT NULL, route_id VARCHAR(200),"
                   + " status VARCHAR(16) NOT NULL, version BIGINT NOT NULL, format_version INT NOT NULL,"
                   + " created_at TIMESTAMP WITH TIME ZONE NOT NULL, updated_at TIMESTAMP WITH TIME ZONE NOT NULL,"
                   + " waiting_for VARCHAR(200), wake_at TIMESTAMP WITH TIME ZONE,"
                   + " lease_owner VARCHAR(200), lease_expires_at TIMESTAMP WITH TIME ZONE,"
                   + " snapshot_version BIGINT NOT NULL, snapshot_bytes BIGINT NOT NULL, delta_count INT NOT NULL,"
                   + " delta_bytes BIGINT NOT NULL, snapshot " + text + " NOT NULL)");
        db.execute("CREATE INDEX IF NOT EXISTS " + s.runsIndex("flow") + " ON " + s.runs
                   + " (flow_id, created_at, execution_id)");
        db.execute("CREATE INDEX IF NOT EXISTS " + s.runsIndex("created") + " ON " + s.runs + " (created_at, execution_id)");
        db.execute("CREATE TABLE IF NOT EXISTS " + s.deltas + " (execution_id VARCHAR(200) NOT NULL,"
                   + " version BIGINT NOT NULL, delta " + text + " NOT NULL, PRIMARY KEY (execution_id, version))");
        db.execute("CREATE TABLE IF NOT EXISTS " + s.values + " (value_namespace VARCHAR(200) NOT NULL,"
                   + " value_key VARCHAR(200) NOT NULL, value_json " + text + " NOT NULL, version BIGINT NOT NULL,"
                   + " PRIMARY KEY (value_namespace, value_key))");
    }

    /**
     * Purges look at finished_at instead of updated_at, so no index holds updated_at, which every checkpoint changes.
     * The first release indexed (updated_at) for purges, and on H2 (status, time) for the finds: those indexes are
     * replaced. H2's deltas and values move from CLOB to CHARACTER VARYING (cheaper per write).
     */
    private static void finishedAt(SchemaEditor db) throws SQLException {
        JdbcSchema s = db.schema();
        if (!db.hasColumn(s.runs, "finished_at")) {
            db.execute("ALTER TABLE " + s.runs + " ADD COLUMN IF NOT EXISTS finished_at TIMESTAMP WITH TIME ZONE");
        }
        db.execute("UPDATE " + s.runs + " SET finished_at = updated_at"
                   + " WHERE finished_at IS NULL AND status IN ('COMPLETED', 'FAILED')");
        // lease and wake-up times are null except while RUNNING or SUSPENDED: on H2 (no partial indexes) the finds'
        // status test stays exact
        db.runsIndex("lease", "lease_expires_at", "status = 'RUNNING'");
        db.runsIndex("wake", "wake_at", "status = 'SUSPENDED'");
        db.runsIndex("finished", "finished_at", "finished_at IS NOT NULL");
        db.textColumn(s.deltas, "delta");
        db.textColumn(s.values, "value_json");
    }

    /**
     * Rows written before have no parent in the column (their snapshots still name it), so retention treats them as
     * before. Only when missing: PostgreSQL locks the table exclusively for this statement even when the column exists.
     */
    private static void parentExecutionId(SchemaEditor db) throws SQLException {
        JdbcSchema s = db.schema();
        if (!db.hasColumn(s.runs, "parent_execution_id")) {
            db.execute("ALTER TABLE " + s.runs + " ADD COLUMN IF NOT EXISTS parent_execution_id VARCHAR(200)");
        }
    }

    /**
     * The run counts read these indexes, not the rows and their snapshots: runs by flow and status from the first
     * alone; SUSPENDED runs by what they wait for through the second (partial on PostgreSQL), reading the suspended
     * rows only (their updated_at, which no index holds: every checkpoint changes it). Neither leads with status, so
     * H2 (plain indexes only) keeps using the lease, wake-up and finish indexes for the maintenance finds. None of the
     * columns changes on a checkpoint that keeps the run's status, so such checkpoints write these indexes no more.
     */
    private static void countsIndexes(SchemaEditor db) throws SQLException {
        db.runsIndex("counts", "flow_id, status, waiting_for", null);
        db.runsIndex("waiting", "waiting_for", "status = 'SUSPENDED'");
    }

    /**
     * Earlier releases kept H2's snapshots in a CLOB, out of the row. H2 can fail to read a CLOB that a concurrent
     * update of its row replaces ("Cannot read field streamStoreId", H2 issue 1808): a run loaded while another node
     * or thread compacted it failed to load.
     */
    private static void snapshotText(SchemaEditor db) throws SQLException {
        db.textColumn(db.schema().runs, "snapshot");
    }

    /**
     * Business keys: {@code business_key} stays with the run (the runs query filters on it); {@code open_business_key}
     * holds the same key only while the run is unfinished and is null once it finishes, so a unique index on
     * (flow_id, open_business_key) allows one unfinished run per flow and key on every database (NULLs never collide,
     * and H2 has no partial indexes; on PostgreSQL the index is partial, holding the keyed unfinished runs only).
     * {@code attempt} (null for 1) and {@code last_step} let the runs query answer without reading snapshots; last_step
     * changes on every step's checkpoint and is in no index, so checkpoints stay HOT. Rows stored before keep
     * last_step null until their next completed step.
     * <p>
     * The runs query reads in creation order through an index led by each filter's column: flow and status, status
     * (PostgreSQL only), waiting_for, business_key, lease_owner (none of them changes on a checkpoint that keeps the
     * run's status).
     * updated_at stays out of every index (every checkpoint changes it).
     */
    private static void runsQuery(SchemaEditor db) throws SQLException {
        JdbcSchema s = db.schema();
        for (String column : List.of("business_key VARCHAR(200)", "open_business_key VARCHAR(200)", "attempt INT",
                "last_step VARCHAR(200)")) {
            String name = column.substring(0, column.indexOf(' '));
            if (!db.hasColumn(s.runs, name)) {
                db.execute("ALTER TABLE " + s.runs + " ADD COLUMN IF NOT EXISTS " + column);
            }
        }
        db.uniqueRunsIndex("open_key", "flow_id, open_business_key", "open_business_key IS NOT NULL");
        db.runsIndex("flow_status", "flow_id, status, created_at, execution_id", null);
        if (db.dialect().partialIndexes()) {
            // not on H2: its planner would take an index led by status for the maintenance finds (status = 'SUSPENDED'
            // AND wake_at ...) and read every suspended run on each pass; there a status-only query reads in creation
            // order through the created index
            db.runsIndex("status", "status, created_at, execution_id", null);
        }
        db.runsIndex("waiting_created", "waiting_for, created_at, execution_id", "waiting_for IS NOT NULL");
        db.runsIndex("business_key", "business_key, created_at, execution_id", "business_key IS NOT NULL");
        db.runsIndex("lease_owner", "lease_owner, created_at, execution_id", "lease_owner IS NOT NULL");
    }

    /**
     * Values written before never expire (null). The index holds only expiring values where the dialect has partial
     * indexes, so values without expiry cost the purge nothing. Only when missing, as for {@link #parentExecutionId}.
     */
    private static void valueExpiry(SchemaEditor db) throws SQLException {
        JdbcSchema s = db.schema();
        if (!db.hasColumn(s.values, "expires_at")) {
            db.execute("ALTER TABLE " + s.values + " ADD COLUMN IF NOT EXISTS expires_at TIMESTAMP WITH TIME ZONE");
        }
        db.execute("CREATE INDEX IF NOT EXISTS " + s.valuesExpiryIndex() + " ON " + s.values + " (expires_at)"
                   + (db.dialect().partialIndexes() ? " WHERE expires_at IS NOT NULL" : ""));
    }
}
