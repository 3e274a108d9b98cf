package io.flowstate.camel.snapshot.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Table names and DDL of the JDBC repository, for a validated table-name prefix. With the default prefix, on
 * PostgreSQL:
 *
 * <pre>
 * CREATE TABLE IF NOT EXISTS flowstate_runs (
 *   execution_id VARCHAR(200) NOT NULL PRIMARY KEY,
 *   flow_id VARCHAR(200) NOT NULL, route_id VARCHAR(200), status VARCHAR(16) NOT NULL,
 *   version BIGINT NOT NULL,             -- every save or delta adds one: the compare-and-set column
 *   format_version INT NOT NULL,         -- never overwritten by an older camel-flowstate
 *   created_at TIMESTAMP WITH TIME ZONE NOT NULL, updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
 *   waiting_for VARCHAR(200), wake_at TIMESTAMP WITH TIME ZONE,
 *   lease_owner VARCHAR(200), lease_expires_at TIMESTAMP WITH TIME ZONE,
 *   finished_at TIMESTAMP WITH TIME ZONE, -- updated_at while COMPLETED or FAILED, else null: what purges look at
 *   snapshot_version BIGINT NOT NULL,    -- the version the snapshot column holds; deltas above it follow
 *   snapshot_bytes BIGINT NOT NULL, delta_count INT NOT NULL, delta_bytes BIGINT NOT NULL,
 *   snapshot TEXT NOT NULL,              -- the JSON document (FlowSnapshotCodec)
 *   parent_execution_id VARCHAR(200));   -- an inner run's parent (written by full saves): purges keep an inner
 *                                        -- run while its parent is stored and not finished
 * ALTER TABLE flowstate_runs ADD COLUMN IF NOT EXISTS parent_execution_id VARCHAR(200);
 * CREATE INDEX IF NOT EXISTS flowstate_runs_flow ON flowstate_runs (flow_id, created_at, execution_id);
 * CREATE INDEX IF NOT EXISTS flowstate_runs_created ON flowstate_runs (created_at, execution_id);
 * CREATE INDEX IF NOT EXISTS flowstate_runs_lease ON flowstate_runs (lease_expires_at) WHERE status = 'RUNNING';
 * CREATE INDEX IF NOT EXISTS flowstate_runs_wake ON flowstate_runs (wake_at) WHERE status = 'SUSPENDED';
 * CREATE INDEX IF NOT EXISTS flowstate_runs_finished ON flowstate_runs (finished_at) WHERE finished_at IS NOT NULL;
 * CREATE TABLE IF NOT EXISTS flowstate_run_deltas (
 *   execution_id VARCHAR(200) NOT NULL, version BIGINT NOT NULL, delta TEXT NOT NULL,
 *   PRIMARY KEY (execution_id, version));
 * CREATE TABLE IF NOT EXISTS flowstate_key_values (
 *   value_namespace VARCHAR(200) NOT NULL, value_key VARCHAR(200) NOT NULL, value_json TEXT NOT NULL,
 *   version BIGINT NOT NULL, PRIMARY KEY (value_namespace, value_key));
 * </pre>
 * The ALTER TABLE adds the parent column to a table created by an earlier version: run at start with
 * {@code createSchema} when the column is missing (see {@link #addParentColumn}). The rows already there have no parent
 * in it (their snapshots still name it), so retention treats them as before.
 * <p>
 * On H2 the snapshot column is a CLOB, the other JSON columns CHARACTER VARYING (see {@link JdbcDialect#H2}), and the
 * last three indexes are plain ones on the same columns.
 * <p>
 * No index holds {@code updated_at}: a step's checkpoint changes only {@code version}, {@code updated_at} and the delta
 * counters, so no index entry moves (on PostgreSQL the row update stays HOT, on H2 no index page is rewritten).
 */
final class JdbcSchema {

    /** Letters, digits and underscores, starting with a letter: safe to place in SQL, short enough for index names. */
    static final Pattern PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");

    final String runs;
    final String deltas;
    final String values;
    private final String prefix;
    private final JdbcDialect dialect;

    JdbcSchema(String prefix, JdbcDialect dialect) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("The tablePrefix '" + prefix + "' is not valid: use 1 to 40 letters,"
                                               + " digits and underscores, starting with a letter (e.g. flowstate_)");
        }
        this.prefix = prefix;
        this.dialect = dialect;
        this.runs = prefix + "runs";
        this.deltas = prefix + "run_deltas";
        this.values = prefix + "key_values";
    }

    List<String> ddl() {
        String text = dialect.textType();
        List<String> ddl = new ArrayList<>();
        ddl.add("CREATE TABLE IF NOT EXISTS " + runs + " ("
                + "execution_id VARCHAR(200) NOT NULL PRIMARY KEY, flow_id VARCHAR(200) NOT NULL, route_id VARCHAR(200),"
                + " status VARCHAR(16) NOT NULL, version BIGINT NOT NULL, format_version INT NOT NULL,"
                + " created_at TIMESTAMP WITH TIME ZONE NOT NULL, updated_at TIMESTAMP WITH TIME ZONE NOT NULL,"
                + " waiting_for VARCHAR(200), wake_at TIMESTAMP WITH TIME ZONE,"
                + " lease_owner VARCHAR(200), lease_expires_at TIMESTAMP WITH TIME ZONE, finished_at TIMESTAMP WITH TIME ZONE,"
                + " snapshot_version BIGINT NOT NULL, snapshot_bytes BIGINT NOT NULL, delta_count INT NOT NULL,"
                + " delta_bytes BIGINT NOT NULL, snapshot " + dialect.snapshotType() + " NOT NULL,"
                + " parent_execution_id VARCHAR(200))");
        ddl.add(index("flow", "(flow_id, created_at, execution_id)"));
        ddl.add(index("created", "(created_at, execution_id)"));
        if (dialect.partialIndexes()) {
            ddl.add(index("lease", "(lease_expires_at) WHERE status = 'RUNNING'"));
            ddl.add(index("wake", "(wake_at) WHERE status = 'SUSPENDED'"));
            ddl.add(index("finished", "(finished_at) WHERE finished_at IS NOT NULL"));
        } else {
            // lease and wake-up times are null except while RUNNING or SUSPENDED: the finds' status test stays exact
            ddl.add(index("lease", "(lease_expires_at)"));
            ddl.add(index("wake", "(wake_at)"));
            ddl.add(index("finished", "(finished_at)"));
        }
        ddl.add("CREATE TABLE IF NOT EXISTS " + deltas + " (execution_id VARCHAR(200) NOT NULL, version BIGINT NOT NULL,"
                + " delta " + text + " NOT NULL, PRIMARY KEY (execution_id, version))");
        ddl.add("CREATE TABLE IF NOT EXISTS " + values + " (value_namespace VARCHAR(200) NOT NULL,"
                + " value_key VARCHAR(200) NOT NULL, value_json " + text + " NOT NULL, version BIGINT NOT NULL,"
                + " PRIMARY KEY (value_namespace, value_key))");
        return ddl;
    }

    /** Fails while the runs table lacks the parent column: a table created by an earlier version. */
    String parentColumnProbe() {
        return "SELECT parent_execution_id FROM " + runs + " WHERE 1 = 0";
    }

    /**
     * Adds the parent column; only after {@link #parentColumnProbe} failed, since PostgreSQL locks the table exclusively
     * for this statement even when the column exists (queueing every other node's reads behind it).
     */
    String addParentColumn() {
        return "ALTER TABLE " + runs + " ADD COLUMN IF NOT EXISTS parent_execution_id VARCHAR(200)";
    }

    /** Statements that succeed only when every table exists. */
    List<String> probes() {
        return List.of("SELECT execution_id, finished_at, parent_execution_id FROM " + runs + " WHERE 1 = 0",
                "SELECT execution_id FROM " + deltas + " WHERE 1 = 0",
                "SELECT value_key FROM " + values + " WHERE 1 = 0");
    }

    private String index(String name, String definition) {
        return "CREATE INDEX IF NOT EXISTS " + prefix + "runs_" + name + " ON " + runs + " " + definition;
    }
}
