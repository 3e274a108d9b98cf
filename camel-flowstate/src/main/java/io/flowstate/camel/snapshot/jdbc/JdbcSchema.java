package io.flowstate.camel.snapshot.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;

import io.flowstate.camel.FlowStateException;

/**
 * Table names of the JDBC repository, for a validated table-name prefix, and the check that the tables are usable. The
 * tables are created and changed by the ordered {@link JdbcMigrations}; with the default prefix, on PostgreSQL, they
 * end up as:
 *
 * <pre>
 * CREATE TABLE flowstate_runs (
 *   execution_id VARCHAR(200) NOT NULL PRIMARY KEY,
 *   flow_id VARCHAR(200) NOT NULL, route_id VARCHAR(200), status VARCHAR(16) NOT NULL,
 *   version BIGINT NOT NULL,             -- every save or delta adds one: the compare-and-set column
 *   format_version INT NOT NULL,         -- never overwritten by an older camel-flowstate
 *   created_at TIMESTAMP WITH TIME ZONE NOT NULL, updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
 *   waiting_for VARCHAR(200), wake_at TIMESTAMP WITH TIME ZONE,
 *   lease_owner VARCHAR(200), lease_expires_at TIMESTAMP WITH TIME ZONE,
 *   snapshot_version BIGINT NOT NULL,    -- the version the snapshot column holds; deltas above it follow
 *   snapshot_bytes BIGINT NOT NULL, delta_count INT NOT NULL, delta_bytes BIGINT NOT NULL,
 *   snapshot TEXT NOT NULL,              -- the JSON document (FlowSnapshotCodec)
 *   finished_at TIMESTAMP WITH TIME ZONE, -- updated_at while COMPLETED or FAILED, else null: what purges look at
 *   parent_execution_id VARCHAR(200),    -- an inner run's parent (written by full saves): purges keep an inner
 *                                        -- run while its parent is stored and not finished
 *   business_key VARCHAR(200),           -- the run's business key, null when none
 *   open_business_key VARCHAR(200),      -- business_key while the run is unfinished, else null
 *   attempt INT,                         -- null for the first attempt, 2 after the first restart, ...
 *   last_step VARCHAR(200));             -- the last step completed (every step's checkpoint sets it)
 * CREATE INDEX flowstate_runs_flow ON flowstate_runs (flow_id, created_at, execution_id);
 * CREATE INDEX flowstate_runs_created ON flowstate_runs (created_at, execution_id);
 * CREATE INDEX flowstate_runs_lease ON flowstate_runs (lease_expires_at) WHERE status = 'RUNNING';
 * CREATE INDEX flowstate_runs_wake ON flowstate_runs (wake_at) WHERE status = 'SUSPENDED';
 * CREATE INDEX flowstate_runs_finished ON flowstate_runs (finished_at) WHERE finished_at IS NOT NULL;
 * CREATE INDEX flowstate_runs_counts ON flowstate_runs (flow_id, status, waiting_for);
 * CREATE INDEX flowstate_runs_waiting ON flowstate_runs (waiting_for) WHERE status = 'SUSPENDED';
 * CREATE UNIQUE INDEX flowstate_runs_open_key ON flowstate_runs (flow_id, open_business_key)
 *   WHERE open_business_key IS NOT NULL;
 * CREATE INDEX flowstate_runs_flow_status ON flowstate_runs (flow_id, status, created_at, execution_id);
 * CREATE INDEX flowstate_runs_status ON flowstate_runs (status, created_at, execution_id); -- not on H2
 * CREATE INDEX flowstate_runs_waiting_created ON flowstate_runs (waiting_for, created_at, execution_id)
 *   WHERE waiting_for IS NOT NULL;
 * CREATE INDEX flowstate_runs_business_key ON flowstate_runs (business_key, created_at, execution_id)
 *   WHERE business_key IS NOT NULL;
 * CREATE INDEX flowstate_runs_lease_owner ON flowstate_runs (lease_owner, created_at, execution_id)
 *   WHERE lease_owner IS NOT NULL;
 * CREATE TABLE flowstate_run_deltas (
 *   execution_id VARCHAR(200) NOT NULL, version BIGINT NOT NULL, delta TEXT NOT NULL,
 *   PRIMARY KEY (execution_id, version));
 * CREATE TABLE flowstate_key_values (
 *   value_namespace VARCHAR(200) NOT NULL, value_key VARCHAR(200) NOT NULL, value_json TEXT NOT NULL,
 *   version BIGINT NOT NULL, PRIMARY KEY (value_namespace, value_key),
 *   expires_at TIMESTAMP WITH TIME ZONE); -- when the value expires (null: never); the maintenance pass purges it
 * CREATE INDEX flowstate_key_values_expiry ON flowstate_key_values (expires_at) WHERE expires_at IS NOT NULL;
 * CREATE TABLE flowstate_schema_version (  -- one row per migration applied (JdbcMigrator)
 *   version INT NOT NULL PRIMARY KEY, description VARCHAR(200) NOT NULL,
 *   applied_at TIMESTAMP WITH TIME ZONE NOT NULL);
 * </pre>
 * On H2 the JSON columns are CHARACTER VARYING (see {@link JdbcDialect#H2}), and the partial indexes are plain ones
 * on the same columns.
 * <p>
 * No index holds {@code updated_at}: a step's checkpoint changes only {@code version}, {@code updated_at} and the delta
 * counters, so no index entry moves (on PostgreSQL the row update stays HOT, on H2 no index page is rewritten).
 */
final class JdbcSchema {

    /** Letters, digits and underscores, starting with a letter: safe to place in SQL, short enough for index names. */
    static final Pattern PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");

    final String prefix;
    final String runs;
    final String deltas;
    final String values;
    final String versions;

    JdbcSchema(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("The tablePrefix '" + prefix + "' is not valid: use 1 to 40 letters,"
                                               + " digits and underscores, starting with a letter (e.g. flowstate_)");
        }
        this.prefix = prefix;
        this.runs = prefix + "runs";
        this.deltas = prefix + "run_deltas";
        this.values = prefix + "key_values";
        this.versions = prefix + "schema_version";
    }

    /** The name of the runs table's index {@code name}. */
    String runsIndex(String name) {
        return prefix + "runs_" + name;
    }

    /** The name of the values table's index on {@code expires_at}. */
    String valuesExpiryIndex() {
        return prefix + "key_values_expiry";
    }

    /**
     * Fails, saying what to do, unless every table exists with the columns this version reads and writes: the check
     * after the migrations, or instead of them with {@code createSchema=false}.
     */
    void check(Connection c) {
        List<String> probes = List.of(
                "SELECT execution_id, finished_at, parent_execution_id, business_key, open_business_key, attempt,"
                + " last_step FROM " + runs + " WHERE 1 = 0",
                "SELECT execution_id FROM " + deltas + " WHERE 1 = 0",
                "SELECT value_key, expires_at FROM " + values + " WHERE 1 = 0");
        for (String probe : probes) {
            try {
                JdbcAccess.query(c, probe, rs -> null);
            } catch (SQLException e) {
                throw new FlowStateException("The flowstate tables " + runs + ", " + deltas + ", " + values
                                             + " are missing, not readable or lack a column (" + e.getMessage()
                                             + "). Set createSchema=true (the default) to create them and bring"
                                             + " tables of an earlier version up to date at start, or apply the"
                                             + " migrations listed in docs/repositories.md yourself",
                        e);
            }
        }
    }
}
