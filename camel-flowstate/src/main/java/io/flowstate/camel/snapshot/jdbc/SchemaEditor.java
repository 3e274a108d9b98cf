package io.flowstate.camel.snapshot.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a migration step works with: the statements it runs on one connection, and what it asks the database's
 * metadata (never a failing probe query, which would abort the step's transaction on PostgreSQL) before changing
 * something, so that a step changes only what differs from its layout.
 */
final class SchemaEditor {

    private final Connection connection;
    private final JdbcSchema schema;
    private final JdbcDialect dialect;

    SchemaEditor(Connection connection, JdbcSchema schema, JdbcDialect dialect) {
        this.connection = connection;
        this.schema = schema;
        this.dialect = dialect;
    }

    JdbcSchema schema() {
        return schema;
    }

    JdbcDialect dialect() {
        return dialect;
    }

    void execute(String sql) throws SQLException {
        JdbcAccess.update(connection, sql);
    }

    boolean hasColumn(String table, String column) throws SQLException {
        return columnType(table, column) != null;
    }

    /**
     * Gives {@code table}'s JSON text column the dialect's text type when it is still a CLOB (as H2 tables of the first
     * release have it); nothing on a database whose text type is itself a large object type.
     */
    void textColumn(String table, String column) throws SQLException {
        Integer type = columnType(table, column);
        if (type != null && type == Types.CLOB && !dialect.textType().equals("CLOB")) {
            execute("ALTER TABLE " + table + " ALTER COLUMN " + column + " SET DATA TYPE " + dialect.textType());
        }
    }

    /**
     * Creates the runs table's index {@code name} on {@code columns} (comma-separated, in order), with the {@code where}
     * clause (null for none) where the dialect has partial indexes, replacing an index of that name on other columns.
     */
    void runsIndex(String name, String columns, String where) throws SQLException {
        createRunsIndex("INDEX", name, columns, where);
    }

    /** As {@link #runsIndex}, a unique index: rows whose columns are all equal (none null) are refused. */
    void uniqueRunsIndex(String name, String columns, String where) throws SQLException {
        createRunsIndex("UNIQUE INDEX", name, columns, where);
    }

    private void createRunsIndex(String kind, String name, String columns, String where) throws SQLException {
        String index = schema.runsIndex(name);
        List<String> existing = indexColumns(schema.runs, index);
        if (existing.equals(List.of(columns.split(",\\s*")))) {
            return;
        }
        if (!existing.isEmpty()) {
            execute("DROP INDEX IF EXISTS " + index);
        }
        execute("CREATE " + kind + " IF NOT EXISTS " + index + " ON " + schema.runs + " (" + columns + ")"
                + (where != null && dialect.partialIndexes() ? " WHERE " + where : ""));
    }

    /** The JDBC type of a column, null when the table has no such column. */
    Integer columnType(String table, String column) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        try (ResultSet rs = meta.getColumns(connection.getCatalog(), connection.getSchema(), stored(meta, table), null)) {
            while (rs.next()) {
                // the table name is a pattern ('_' matches any character): keep this table's rows only
                if (rs.getString("TABLE_NAME").equalsIgnoreCase(table)
                        && rs.getString("COLUMN_NAME").equalsIgnoreCase(column)) {
                    return rs.getInt("DATA_TYPE");
                }
            }
        }
        return null;
    }

    /** The columns of {@code table}'s index {@code index} in order, empty when there is no such index. */
    List<String> indexColumns(String table, String index) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = meta.getIndexInfo(connection.getCatalog(), connection.getSchema(), stored(meta, table),
                false, false)) {
            while (rs.next()) {
                if (index.equalsIgnoreCase(rs.getString("INDEX_NAME")) && rs.getString("COLUMN_NAME") != null) {
                    columns.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                }
            }
        }
        return columns;
    }

    /** An unquoted name as the database stores it (H2: upper case, PostgreSQL: lower case). */
    private static String stored(DatabaseMetaData meta, String name) throws SQLException {
        if (meta.storesUpperCaseIdentifiers()) {
            return name.toUpperCase(Locale.ROOT);
        }
        return meta.storesLowerCaseIdentifiers() ? name.toLowerCase(Locale.ROOT) : name;
    }
}
