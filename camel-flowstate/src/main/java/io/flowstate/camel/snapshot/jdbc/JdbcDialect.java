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
     * H2 2.x: JSON in CHARACTER VARYING. Not a CLOB, although one would keep a large snapshot out of the row a
     * checkpoint updates: H2 can fail to read a CLOB while a concurrent update of its row replaces it (H2 issue 1808,
     * still in 2.4), and a CLOB above 256 bytes costs three more internal maps per write. No partial indexes; two
     * statements per delta in one transaction.
     */
    H2("CHARACTER VARYING", false, false),

    /**
     * PostgreSQL 12 or later: TEXT for JSON, partial indexes (so lease renewals of RUNNING runs do not touch the
     * indexes of other statuses), and a delta in ONE statement (a data-modifying CTE), i.e. one round trip and one
     * commit, like the raw versioned UPDATE it is compared with.
     */
    POSTGRESQL("TEXT", true, true);

    private final String textType;
    private final boolean partialIndexes;
    private final boolean writableCte;

    JdbcDialect(String textType, boolean partialIndexes, boolean writableCte) {
        this.textType = textType;
        this.partialIndexes = partialIndexes;
        this.writableCte = writableCte;
    }

    /** The column type of JSON text: snapshots, deltas and persistent values. */
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
