package io.flowstate.examples.context;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small per-run resource: it collects entries and logs when it is opened and closed.
 */
public final class Ledger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("ledger");

    private final String runId;
    private final List<String> entries = new ArrayList<>();

    Ledger(String runId) {
        this.runId = runId;
        LOG.info("ledger opened for run {}", runId);
    }

    public synchronized void record(String entry) {
        entries.add(entry);
    }

    @Override
    public synchronized void close() {
        LOG.info("ledger closed for run {} ({} entries)", runId, entries.size());
    }
}
