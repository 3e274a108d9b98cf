package io.flowstate.benchmarks;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

/**
 * The raw reference of {@link NodesThroughput}: clients, each a thread of its own on its own row, doing the versioned
 * single-row UPDATEs of {@link RawUpdates} one after the other, as fast as the database commits them, until stopped;
 * the documents are shaped like a W1 run's state.
 */
final class RawUpdateClients {

    /** Documents the clients cycle through, each differing from the one before in one value. */
    private static final int DOCUMENTS = 16;

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
        String[] documents = new String[DOCUMENTS];
        for (int i = 0; i < DOCUMENTS; i++) {
            documents[i] = document("raw", i);
        }
        RawUpdates raw = new RawUpdates(dataSource, clients, documents);
        for (int id = 0; id < clients; id++) {
            int row = id;
            Thread client = new Thread(() -> update(raw, row), "raw-update-" + id);
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

    private void update(RawUpdates raw, int row) {
        try {
            while (!stopping) {
                updates.addAndGet(raw.update(row));
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
