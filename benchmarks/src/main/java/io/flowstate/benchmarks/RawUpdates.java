package io.flowstate.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * The raw limit the checkpoints are compared with: a versioned single-row {@code UPDATE} of a JSON document, one
 * auto-commit statement, in a table of its own ({@value #TABLE}: {@code id}, {@code version}, {@code doc TEXT}) of the
 * same database and pool. Each client owns one row and keeps its version, as a compare-and-set writer would; the
 * document written cycles through the given ones (all about the same size).
 */
final class RawUpdates {

    static final String TABLE = "bench_raw_updates";
    static final String UPDATE = "UPDATE " + TABLE + " SET doc = ?, version = version + 1 WHERE id = ? AND version = ?";

    private final DataSource dataSource;
    private final String[] documents;
    private final long[] versions;

    /** Creates the table afresh with {@code rows} rows, each holding the first document at version 0. */
    RawUpdates(DataSource dataSource, int rows, String[] documents) throws SQLException {
        this.dataSource = dataSource;
        this.documents = documents;
        this.versions = new long[rows];
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (id INT PRIMARY KEY, version BIGINT NOT NULL, doc TEXT NOT NULL)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, 0, ?)")) {
                for (int row = 0; row < rows; row++) {
                    insert.setInt(1, row);
                    insert.setString(2, documents[0]);
                    insert.executeUpdate();
                }
            }
        }
    }

    int documentBytes() {
        return documents[0].length();
    }

    /** One UPDATE of {@code row}; only its owner calls it. Fails if the row was not at the expected version. */
    int update(int row) throws SQLException {
        long version = versions[row];
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(UPDATE)) {
            ps.setString(1, documents[(int) (version % documents.length)]);
            ps.setInt(2, row);
            ps.setLong(3, version);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("Raw row " + row + " is not at version " + version);
            }
        }
        versions[row] = version + 1;
        return 1;
    }

    /** One UPDATE of {@code row}, timed (ns). */
    long timedUpdate(int row) throws SQLException {
        long started = System.nanoTime();
        update(row);
        return System.nanoTime() - started;
    }
}
