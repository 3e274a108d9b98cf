package io.flowstate.camel.snapshot.file;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;

import io.flowstate.camel.execution.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;

/**
 * The runs kept in memory: those the maintenance looks for every few seconds, RUNNING runs (expired leases) and
 * SUSPENDED runs with a wake-up time (due runs). Any other run costs no heap. Entries change under the run's lock;
 * {@link #summaries} reads without one.
 */
final class RunIndex {

    private final ConcurrentMap<String, RunEntry> entries = new ConcurrentHashMap<>();

    /** The entry of an indexed run, null for any other (which may still be stored). */
    RunEntry get(String id) {
        return entries.get(id);
    }

    /** Keeps what the index knows of a run in step with its files: null for a run that is gone. */
    void remember(String id, RunEntry entry) {
        if (entry != null && indexed(entry.summary())) {
            entries.put(id, entry);
        } else {
            entries.remove(id);
        }
    }

    /** Drops a run's entry, so that it is read from its files when next needed. */
    void forget(String id) {
        entries.remove(id);
    }

    int size() {
        return entries.size();
    }

    void clear() {
        entries.clear();
    }

    /** The indexed runs that pass {@code filter}, in {@code order}. */
    List<FlowSnapshotSummary> summaries(Predicate<FlowSnapshotSummary> filter, Comparator<FlowSnapshotSummary> order) {
        List<FlowSnapshotSummary> list = new ArrayList<>();
        for (RunEntry e : entries.values()) {
            if (filter.test(e.summary())) {
                list.add(e.summary());
            }
        }
        list.sort(order);
        return list;
    }

    /** Whether the maintenance looks for this run every few seconds, so it stays in memory. */
    private static boolean indexed(FlowSnapshotSummary s) {
        return s.status() == FlowStatus.RUNNING || s.status() == FlowStatus.SUSPENDED && s.wakeAt() != null;
    }
}
