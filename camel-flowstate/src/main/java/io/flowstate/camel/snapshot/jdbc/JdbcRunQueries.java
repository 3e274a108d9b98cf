package io.flowstate.camel.snapshot.jdbc;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshotPage;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.RepositoryChecks;
import io.flowstate.camel.snapshot.RunCounts;

/**
 * The finds: pages of runs by status and flow in creation order, and the maintenance finds (expired leases, due
 * wake-ups), each served by an index of the runs table and returning summaries without reading the snapshots.
 */
final class JdbcRunQueries {

    /** Before any time a run records (they come from the clock): the lower bound of the time-range finds. */
    static final Instant EARLIEST = Instant.EPOCH;
    private static final String SUMMARY_COLUMNS = "execution_id, flow_id, route_id, status, version, created_at,"
                                                  + " updated_at, waiting_for, wake_at, lease_owner, lease_expires_at,"
                                                  + " last_step, attempt, parent_execution_id, business_key";

    private final JdbcAccess jdbc;
    private final JdbcSchema schema;
    private final String expiredLeasesSql;
    private final String dueSql;
    private final String byFlowSql;
    private final String suspendedSql;
    private final String dueCountSql;
    private final String expiredCountSql;

    JdbcRunQueries(JdbcAccess jdbc, JdbcSchema schema) {
        this.jdbc = jdbc;
        this.schema = schema;
        this.expiredLeasesSql = findBeforeSql(schema, FlowStatus.RUNNING, "lease_expires_at");
        this.dueSql = findBeforeSql(schema, FlowStatus.SUSPENDED, "wake_at");
        this.byFlowSql = "SELECT flow_id, status, COUNT(*) FROM " + schema.runs + " GROUP BY status, flow_id";
        this.suspendedSql = "SELECT waiting_for, COUNT(*), MIN(updated_at) FROM " + schema.runs
                            + " WHERE status = 'SUSPENDED' GROUP BY waiting_for";
        this.dueCountSql = countBeforeSql(schema, FlowStatus.SUSPENDED, "wake_at");
        this.expiredCountSql = countBeforeSql(schema, FlowStatus.RUNNING, "lease_expires_at");
    }

    /**
     * One statement: each filter an equality or range on its column, the page's start a row comparison on (created_at,
     * execution_id), so the database reads the first rows in order from the index led by a filter's column (see
     * migration 6) and stops after a page. updatedBefore is a filter on the rows read (no index holds updated_at),
     * except for finished runs only, where it reads finished_at (equal to their updated_at, and indexed).
     */
    FlowSnapshotPage find(FlowSnapshotQuery query) {
        Statement find = findStatement(schema, query);
        try {
            List<FlowSnapshotSummary> rows = jdbc.withConnection(
                    c -> JdbcAccess.query(c, find.sql(), JdbcRunQueries::summary, find.params().toArray()));
            return RepositoryChecks.page(rows, query);
        } catch (SQLException e) {
            throw jdbc.failed("find runs", e);
        }
    }

    /** A statement and its parameters. */
    record Statement(String sql, List<Object> params) {
    }

    /** The statement of {@link #find}: the query's page plus one row, which tells whether another page follows. */
    static Statement findStatement(JdbcSchema schema, FlowSnapshotQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + SUMMARY_COLUMNS + " FROM " + schema.runs + " WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        // statuses as literals (enum constants, never input), as in the maintenance finds: a plan PostgreSQL keeps
        // for the statement (a generic plan, after a few executions) still knows the status and picks its index
        if (query.statuses().size() == 1) {
            sql.append(" AND status = '").append(query.statuses().iterator().next().name()).append("'");
        } else if (query.statuses().size() < FlowStatus.values().length) {
            sql.append(" AND status IN (").append(query.statuses().stream().map(status -> "'" + status.name() + "'")
                    .collect(java.util.stream.Collectors.joining(", "))).append(")");
        }
        equal(sql, params, "flow_id", query.flowId());
        equal(sql, params, "waiting_for", query.waitingFor());
        equal(sql, params, "business_key", query.businessKey());
        equal(sql, params, "lease_owner", query.leaseOwner());
        before(sql, params, "created_at >", query.startedAfter());
        before(sql, params, "created_at <", query.startedBefore());
        boolean finishedOnly = query.statuses().stream().allMatch(FlowStatus::isFinished);
        before(sql, params, finishedOnly ? "finished_at <" : "updated_at <", query.updatedBefore());
        if (query.afterCreatedAt() != null) {
            sql.append(" AND (created_at, execution_id) > (?, ?)");
            params.add(query.afterCreatedAt());
            params.add(query.afterExecutionId());
        }
        // the row count as a literal too (a number the query checked, 2 to 1001): a generic plan that does not know
        // it plans to read every matching row (a bitmap scan and a sort), so PostgreSQL would plan a large table's
        // statement again on every call (measured: +0.15 ms per page with 1,000,000 runs stored)
        sql.append(" ORDER BY created_at, execution_id FETCH FIRST ").append(query.pageSize() + 1).append(" ROWS ONLY");
        return new Statement(sql.toString(), params);
    }

    private static void equal(StringBuilder sql, List<Object> params, String column, String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            params.add(value);
        }
    }

    private static void before(StringBuilder sql, List<Object> params, String comparison, Instant value) {
        if (value != null) {
            sql.append(" AND ").append(comparison).append(" ?");
            params.add(value);
        }
    }

    List<FlowSnapshotSummary> findExpiredLeases(Instant now, int limit) {
        return findBefore(expiredLeasesSql, now, limit, "find expired leases");
    }

    List<FlowSnapshotSummary> findDue(Instant now, int limit) {
        return findBefore(dueSql, now, limit, "find due runs");
    }

    /**
     * Four grouped queries on one connection: runs by flow and status and SUSPENDED runs by waiting_for (the counts
     * index), due wake-ups (the wake index) and expired leases (the lease index). The oldest suspended run's
     * updated_at is read from the SUSPENDED rows alone.
     */
    RunCounts countRuns(Instant now) {
        RunCounts.Builder counts = RunCounts.builder(now);
        try {
            jdbc.withConnection(c -> {
                JdbcAccess.query(c, byFlowSql, rs -> counts.runs(rs.getString(1), FlowStatus.valueOf(rs.getString(2)),
                        rs.getLong(3)));
                JdbcAccess.query(c, suspendedSql, rs -> counts.waiting(rs.getString(1), rs.getLong(2),
                        JdbcAccess.instant(rs, 3)));
                counts.dueWakeUps(JdbcAccess.queryFirst(c, dueCountSql, rs -> rs.getLong(1), EARLIEST, now));
                return counts.expiredLeases(
                        JdbcAccess.queryFirst(c, expiredCountSql, rs -> rs.getLong(1), EARLIEST, now));
            });
        } catch (SQLException e) {
            throw jdbc.failed("count runs", e);
        }
        return counts.build();
    }

    private List<FlowSnapshotSummary> findBefore(String sql, Instant now, int limit, String what) {
        RepositoryChecks.limit(limit);
        try {
            return jdbc.withConnection(c -> JdbcAccess.query(c, sql, JdbcRunQueries::summary, EARLIEST, now, limit));
        } catch (SQLException e) {
            throw jdbc.failed(what, e);
        }
    }

    /**
     * Runs in {@code status} whose time {@code column} is between the parameters, earliest first (parameters: lower
     * bound, upper bound, limit). The status literal (a constant, never input) lets PostgreSQL use its partial index;
     * the lower bound {@link #EARLIEST} lets H2's plain index start past its null entries, one per run in any other
     * status, instead of reading through them on every maintenance pass.
     */
    static String findBeforeSql(JdbcSchema schema, FlowStatus status, String column) {
        return "SELECT " + SUMMARY_COLUMNS + " FROM " + schema.runs + " WHERE status = '" + status + "' AND " + column
               + " BETWEEN ? AND ? ORDER BY " + column + ", execution_id FETCH FIRST ? ROWS ONLY";
    }

    /** How many rows {@link #findBeforeSql} finds without a limit (parameters: lower bound, upper bound). */
    static String countBeforeSql(JdbcSchema schema, FlowStatus status, String column) {
        return "SELECT COUNT(*) FROM " + schema.runs + " WHERE status = '" + status + "' AND " + column
               + " BETWEEN ? AND ?";
    }

    private static FlowSnapshotSummary summary(java.sql.ResultSet rs) throws SQLException {
        return new FlowSnapshotSummary(
                rs.getString(1), rs.getString(2), rs.getString(3), FlowStatus.valueOf(rs.getString(4)),
                rs.getLong(5), JdbcAccess.instant(rs, 6), JdbcAccess.instant(rs, 7), rs.getString(8),
                JdbcAccess.instant(rs, 9), rs.getString(10), JdbcAccess.instant(rs, 11), rs.getString(12),
                rs.getObject(13) == null ? 1 : rs.getInt(13), rs.getString(14), rs.getString(15));
    }
}
