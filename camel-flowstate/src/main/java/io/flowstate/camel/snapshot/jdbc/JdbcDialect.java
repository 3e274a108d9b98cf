package io.flowstate.camel.snapshot.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import io.flowstate.camel.FlowStateException;

/**
 * What differs between the databases the JDBC repository supports: the type of JSON text columns, whether an index
 * can be partial, and whether one statement can both update a run and insert its delta.
 */
public enum JdbcDialect {

    /**
     * H2 2.x: snapshots in a CLOB, so that the row a checkpoint updates stays small (H2 rewrites whole rows and the
     * pages holding them, and keeps a CLOB above 256 bytes out of the row); deltas and values, which are written once
     * per change, in CHARACTER VARYING (a CLOB would cost three more internal maps per write). No partial indexes; two
     * statements per delta in one transaction.
     */
    H2("CLOB", "CHARACTER VARYING", false, false),

    /**
     * PostgreSQL 12 or later: TEXT for JSON, partial indexes (so lease renewals of RUNNING runs do not touch the
     * indexes of other statuses), and a delta in ONE statement (a data-modifying CTE), i.e. one round trip and one
     * commit, like the raw versioned UPDATE it is compared with.
     */
    POSTGRESQL("TEXT", "TEXT", true, true);

    private final String snapshotType;
    private final String textType;
    private final boolean partialIndexes;
    private final boolean writableCte;

    JdbcDialect(String snapshotType, String textType, boolean partialIndexes, boolean writableCte) {
        this.snapshotType = snapshotType;
        this.textType = textType;
        this.partialIndexes = partialIndexes;
        this.writableCte = writableCte;
    }

    /** The column type of whole run snapshots (JSON). */
    public String snapshotType() {
        return snapshotType;
    }

    /** The column type of deltas and persistent values (JSON). */
    public String textType() {
        return textType;
    }

    public boolean partialIndexes() {
        return partialIndexes;
    }

    /** Whether {@code WITH u AS (UPDATE ... RETURNING ...) INSERT ...} works. */
    public boolean writableCte() {
        return writableCte;
    }

    /** The dialect of the database behind {@code connection}, from its metadata. */
    public static JdbcDialect detect(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        return of(product);
    }

    /** The dialect named {@code name} ({@code h2}, {@code postgresql}, any case) or a product name. */
    public static JdbcDialect of(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("h2")) {
            return H2;
        }
        if (n.equals("postgresql") || n.equals("postgres")) {
            return POSTGRESQL;
        }
        throw new FlowStateException("The database '" + name + "' is not supported by the JDBC flow snapshot repository"
                                     + " (option dialect, or the data source's database): use h2 or postgresql");
    }
}
