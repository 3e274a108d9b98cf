package io.flowstate.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

/**
 * The raw reference of {@link NodesThroughput}: clients, each on its own connection (auto-commit, one prepared
 * statement) and its own row of table {@value #TABLE}, doing versioned single-row UPDATEs of a JSON document of about
 * the size of a W1 run's state, one after the other, as fast as the database commits them:
 * {@code UPDATE nodes_raw SET doc = ?, version = version + 1 WHERE id = ? AND version = ?}.
 */
final class RawUpdateClients {

    static final String TABLE = "nodes_raw";

    private final DataSource dataSource;
    private final int clients;
    private final AtomicLong updates = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    RawUpdateClients(DataSource dataSource, int clients) {
        this.dataSource = dataSource;
        this.clients = clients;
    }

    /** Creates the table afresh with one row per client, and starts the clients. */
    void start() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (id INT PRIMARY KEY, doc TEXT NOT NULL, version BIGINT NOT NULL)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, ?, 0)")) {
                for (int id = 0; id < clients; id++) {
                    insert.setInt(1, id);
                    insert.setString(2, document("initial", 0));
                    insert.executeUpdate();
                }
            }
        }
        for (int id = 0; id < clients; id++) {
            int row = id;
            Thread client = new Thread(() -> update(row), "raw-update-" + id);
            threads.add(client);
            client.start();
        }
    }

    /** UPDATEs committed so far. */
    long count() {
        return updates.get();
    }

    /** Stops the clients (each finishes its UPDATE); fails if one of them failed. */
    void stop() throws InterruptedException {
        stopping = true;
        for (Thread client : threads) {
            client.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("A raw UPDATE client failed", failure.get());
        }
    }

    private void update(int row) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE " + TABLE + " SET doc = ?, version = version + 1 WHERE id = ? AND version = ?")) {
            c.setAutoCommit(true);
            for (long version = 0; !stopping; version++) {
                ps.setString(1, document("raw" + row, version));
                ps.setInt(2, row);
                ps.setLong(3, version);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("Row " + row + " of " + TABLE + " is not at version " + version);
                }
                updates.incrementAndGet();
            }
        } catch (SQLException | RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** A JSON object shaped like a W1 run's state: {@link ThroughputNode#KEYS} values, one of them changed. */
    static String document(String writer, long version) {
        StringBuilder doc = new StringBuilder("{");
        int changed = (int) (version % ThroughputNode.KEYS);
        for (int k = 0; k < ThroughputNode.KEYS; k++) {
            doc.append(k == 0 ? "" : ",").append('"').append(ThroughputNode.key(k)).append("\":\"")
                    .append(ThroughputNode.value(k == changed ? writer + "-" + version : "initial", k + 1)).append('"');
        }
        return doc.append('}').toString();
    }
}
