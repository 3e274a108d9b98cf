package io.flowstate.camel.snapshot.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.RepositoryUnavailableException;
import io.flowstate.camel.snapshot.RunField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC plumbing the parts of the repository share: connections from the user's {@link DataSource}, work that
 * commits on a pool with or without auto-commit and rolls back on any failure (so a failed call changes nothing),
 * statements with bound parameters, timestamps as {@code TIMESTAMP WITH TIME ZONE} in UTC, and the error a failed call
 * reports.
 */
final class JdbcAccess {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcAccess.class);
    private static final String DUPLICATE_KEY = "23505";
    /** H2: a lock not granted within its LOCK_TIMEOUT; PostgreSQL: within a lock_timeout the server was given. */
    private static final Set<String> LOCK_TIMEOUT = Set.of("HYT00", "55P03");

    private final DataSource dataSource;
    private final String tablePrefix;

    JdbcAccess(DataSource dataSource, String tablePrefix) {
        this.dataSource = dataSource;
        this.tablePrefix = tablePrefix;
    }

    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** A parameter that may be null: JDBC needs the column's type to bind a null. */
    record Typed(Object value, int sqlType) {
    }

    <T> T withConnection(SqlWork<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        }
    }

    /** Runs {@code work} in one transaction; any exception rolls it back. */
    <T> T inTransaction(SqlWork<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                return commitOrRollBack(c, work);
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
    <T> T committed(SqlWork<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return c.getAutoCommit() ? work.run(c) : commitOrRollBack(c, work);
        }
    }

    private static <T> T commitOrRollBack(Connection c, SqlWork<T> work) throws SQLException {
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollback(c, e);
            throw e;
        }
    }

    /** Rolls back what {@code c} did; a failure to do so is added to {@code cause}. */
    static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException rollback) {
            cause.addSuppressed(rollback);
        }
    }

    /** Executes a statement with its parameters (see {@link #bind}); returns the rows it changed. */
    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    /** The rows a query returns, each read by {@code row}. */
    static <T> List<T> query(Connection c, String sql, RowReader<T> row, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(row.read(rs));
            }
            return rows;
        }
    }

    /** The first row a query returns, read by {@code row}; null when it returns none. */
    static <T> T queryFirst(Connection c, String sql, RowReader<T> row, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? row.read(rs) : null;
        }
    }

    static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            bindAll(ps, 1, params);
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    /** Binds {@code params} from {@code index} on; returns the next free index. */
    static int bindAll(PreparedStatement ps, int index, Object... params) throws SQLException {
        int i = index;
        for (Object param : params) {
            bind(ps, i++, param);
        }
        return i;
    }

    /**
     * Binds a String, Integer, Long, Instant (as a UTC {@code TIMESTAMP WITH TIME ZONE}), enum (by name) or
     * {@link Typed} value; a bare null is a mistake (its type is unknown): wrap it in {@link Typed}.
     */
    static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value instanceof Typed typed) {
            if (typed.value() == null) {
                ps.setNull(index, typed.sqlType());
            } else {
                bind(ps, index, typed.value());
            }
        } else if (value instanceof String text) {
            ps.setString(index, text);
        } else if (value instanceof Long number) {
            ps.setLong(index, number);
        } else if (value instanceof Integer number) {
            ps.setInt(index, number);
        } else if (value instanceof Instant instant) {
            ps.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        } else if (value instanceof Enum<?> constant) {
            ps.setString(index, constant.name());
        } else {
            throw new IllegalArgumentException("Cannot bind parameter " + index + ": " + value);
        }
    }

    /** A text parameter that may be null. */
    static Typed text(String value) {
        return new Typed(value, Types.VARCHAR);
    }

    /** A timestamp parameter that may be null. */
    static Typed instant(Instant value) {
        return new Typed(value, Types.TIMESTAMP_WITH_TIMEZONE);
    }

    /** A run field's value as the parameter of its column (see {@link RunField#column()}). */
    static Typed column(RunField field, Object value) {
        return switch (field.type()) {
            case TEXT, STATUS -> new Typed(value, Types.VARCHAR);
            case LONG -> new Typed(value, Types.BIGINT);
            case INT -> new Typed(value, Types.INTEGER);
            case INSTANT -> instant((Instant) value);
            default -> throw new IllegalArgumentException("The run's " + field.jsonName() + " has no column");
        };
    }

    /** Reads a {@code TIMESTAMP WITH TIME ZONE} column; null stays null. */
    static Instant instant(ResultSet rs, int index) throws SQLException {
        OffsetDateTime t = rs.getObject(index, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** Whether a statement failed because its row's key is taken (by another node, as a rule). */
    static boolean isDuplicateKey(SQLException e) {
        return DUPLICATE_KEY.equals(e.getSQLState());
    }

    /** Whether a statement gave up waiting for a lock another transaction holds. */
    static boolean isLockTimeout(SQLException e) {
        return LOCK_TIMEOUT.contains(e.getSQLState());
    }

    /**
     * Whether the connection failed rather than the statement: SQLState class 08 (connection exception), 57P01-57P03
     * (the server terminated the session or is shutting down or starting), 53 (the server ran out of resources), or a
     * driver's or pool's connection exception class (e.g. a pool timing out waiting for a connection).
     */
    static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
               || e instanceof SQLRecoverableException
               || state != null && (state.startsWith("08") || state.startsWith("53") || state.equals("57P01")
                                    || state.equals("57P02") || state.equals("57P03"));
    }

    /**
     * The error a call reports when the database refused it; the call's transaction was rolled back. A lost connection
     * is a {@link RepositoryUnavailableException}: whether a commit under way went through is unknown then.
     */
    FlowStateException failed(String what, SQLException e) {
        if (isConnectionFailure(e)) {
            return new RepositoryUnavailableException("Could not " + what + " in the flowstate tables (" + tablePrefix
                                                      + "*): the database connection failed: " + e.getMessage()
                                                      + " [SQLState " + e.getSQLState() + "]. Whether it was"
                                                      + " committed is unknown; a run stays RUNNING as stored and is"
                                                      + " recovered once its lease has expired", e);
        }
        return new FlowStateException("Could not " + what + " in the flowstate tables (" + tablePrefix + "*): "
                                      + e.getMessage() + " [SQLState " + e.getSQLState() + "]. Nothing was changed", e);
    }
}
