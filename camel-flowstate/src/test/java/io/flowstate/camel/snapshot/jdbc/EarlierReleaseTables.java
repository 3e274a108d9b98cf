package io.flowstate.camel.snapshot.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;

/**
 * The tables as the releases of camel-flowstate before the version table created them, and rows as they wrote them:
 * release 1 (the first: no finished_at; purges indexed updated_at; on H2 the finds' indexes led by status and every
 * JSON column a CLOB), release 2 (finished_at), release 3 (parent_execution_id).
 */
final class EarlierReleaseTables {

    private final JdbcSchema schema;
    private final JdbcDialect dialect;
    private final int release;
    private final FlowSnapshotCodec codec = new FlowSnapshotCodec();

    EarlierReleaseTables(String prefix, JdbcDialect dialect, int release) {
        this.schema = new JdbcSchema(prefix);
        this.dialect = dialect;
        this.release = release;
    }

    /** That release's DDL, as it ran it. */
    void create(Connection c) throws SQLException {
        boolean h2 = dialect == JdbcDialect.H2;
        String text = h2 && release == 1 ? "CLOB" : dialect.textType();
        List<String> ddl = new ArrayList<>();
        ddl.add("CREATE TABLE " + schema.runs + " (execution_id VARCHAR(200) NOT NULL PRIMARY KEY,"
                + " flow_id VARCHAR(200) NOT NULL, route_id VARCHAR(200), status VARCHAR(16) NOT NULL,"
                + " version BIGINT NOT NULL, format_version INT NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL,"
                + " updated_at TIMESTAMP WITH TIME ZONE NOT NULL, waiting_for VARCHAR(200),"
                + " wake_at TIMESTAMP WITH TIME ZONE, lease_owner VARCHAR(200), lease_expires_at TIMESTAMP WITH TIME ZONE,"
                + (release >= 2 ? " finished_at TIMESTAMP WITH TIME ZONE," : "")
                + " snapshot_version BIGINT NOT NULL, snapshot_bytes BIGINT NOT NULL, delta_count INT NOT NULL,"
                + " delta_bytes BIGINT NOT NULL, snapshot " + (h2 ? "CLOB" : text) + " NOT NULL"
                + (release >= 3 ? ", parent_execution_id VARCHAR(200))" : ")"));
        ddl.add(index("flow", "(flow_id, created_at, execution_id)"));
        ddl.add(index("created", "(created_at, execution_id)"));
        if (release == 1) {
            ddl.add(index("lease", h2 ? "(status, lease_expires_at)" : "(lease_expires_at) WHERE status = 'RUNNING'"));
            ddl.add(index("wake", h2 ? "(status, wake_at)" : "(wake_at) WHERE status = 'SUSPENDED'"));
            ddl.add(index("finished", h2 ? "(status, updated_at)" : "(updated_at) WHERE status IN ('COMPLETED', 'FAILED')"));
        } else {
            ddl.add(index("lease", h2 ? "(lease_expires_at)" : "(lease_expires_at) WHERE status = 'RUNNING'"));
            ddl.add(index("wake", h2 ? "(wake_at)" : "(wake_at) WHERE status = 'SUSPENDED'"));
            ddl.add(index("finished", h2 ? "(finished_at)" : "(finished_at) WHERE finished_at IS NOT NULL"));
        }
        ddl.add("CREATE TABLE " + schema.deltas + " (execution_id VARCHAR(200) NOT NULL, version BIGINT NOT NULL,"
                + " delta " + text + " NOT NULL, PRIMARY KEY (execution_id, version))");
        ddl.add("CREATE TABLE " + schema.values + " (value_namespace VARCHAR(200) NOT NULL,"
                + " value_key VARCHAR(200) NOT NULL, value_json " + text + " NOT NULL, version BIGINT NOT NULL,"
                + " PRIMARY KEY (value_namespace, value_key))");
        for (String statement : ddl) {
            JdbcAccess.update(c, statement);
        }
    }

    private String index(String name, String definition) {
        return "CREATE INDEX " + schema.runsIndex(name) + " ON " + schema.runs + " " + definition;
    }

    /** A run's row at version 1 as that release wrote it (finished_at from release 2, a null parent from 3). */
    void insertRun(Connection c, FlowSnapshot run) throws SQLException {
        String json = new String(codec.encode(run, 1), StandardCharsets.UTF_8);
        Instant finishedAt = run.status().isFinished() ? run.updatedAt() : null;
        JdbcAccess.update(c, "INSERT INTO " + schema.runs + " (execution_id, flow_id, route_id, status, version,"
                             + " format_version, created_at, updated_at, waiting_for, wake_at, lease_owner,"
                             + " lease_expires_at, snapshot_version, snapshot_bytes, delta_count, delta_bytes, snapshot"
                             + (release >= 2 ? ", finished_at" : "")
                             + ") VALUES (?, ?, ?, ?, 1, 1, ?, ?, ?, ?, ?, ?, 1, ?, 0, 0, ?" + (release >= 2 ? ", ?)" : ")"),
                release >= 2
                        ? params(run, json, JdbcAccess.instant(finishedAt))
                        : params(run, json));
    }

    private static Object[] params(FlowSnapshot run, String json, Object... more) {
        List<Object> params = new ArrayList<>(List.of(run.executionId(), run.flowId(), JdbcAccess.text(run.routeId()),
                run.status(), run.createdAt(), run.updatedAt(), JdbcAccess.text(run.waitingFor()),
                JdbcAccess.instant(run.wakeAt()), JdbcAccess.text(run.leaseOwner()),
                JdbcAccess.instant(run.leaseExpiresAt()), (long) json.length(), json));
        params.addAll(List.of(more));
        return params.toArray();
    }

    /** A delta row making version 2 of a run saved by {@link #insertRun}, and the row's counters. */
    void insertDelta(Connection c, String executionId, FlowSnapshotDelta delta) throws SQLException {
        String json = new String(codec.encodeDelta(executionId, delta, 2), StandardCharsets.UTF_8);
        JdbcAccess.update(c, "INSERT INTO " + schema.deltas + " (execution_id, version, delta) VALUES (?, 2, ?)",
                executionId, json);
        JdbcAccess.update(c, "UPDATE " + schema.runs + " SET version = 2, updated_at = ?, delta_count = 1,"
                             + " delta_bytes = ? WHERE execution_id = ?",
                delta.updatedAt(), (long) json.length(), executionId);
    }

    void insertValue(Connection c, String namespace, String key, String json, long version) throws SQLException {
        JdbcAccess.update(c, "INSERT INTO " + schema.values + " (value_namespace, value_key, value_json, version)"
                             + " VALUES (?, ?, ?, ?)",
                namespace, key, json, version);
    }
}
