package io.flowstate.camel.snapshot.file;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;

import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;

/**
 * The runs kept in memory: those the maintenance looks for every few seconds, RUNNING runs (expired leases) and
 * SUSPENDED runs with a wake-up time (due runs). Any other run costs no heap. Entries change under the run's lock;
 * {@link #summaries} reads without one.
 */
final class RunIndex {

    private final ConcurrentMap<String, RunEntry> entries = new ConcurrentHashMap<>();
    /** Indexed runs whose files may hold more than their entry says (see {@link #distrust}). */
    private final Set<String> distrusted = ConcurrentHashMap.newKeySet();

    /** The entry of an indexed run, null for any other (which may still be stored) and for a distrusted one. */
    RunEntry get(String id) {
        return distrusted.contains(id) ? null : entries.get(id);
    }

    /** Keeps what the index knows of a run in step with its files: null for a run that is gone. */
    void remember(String id, RunEntry entry) {
        if (entry != null && indexed(entry.summary())) {
            entries.put(id, entry);
        } else {
            entries.remove(id);
        }
        distrusted.remove(id);
    }

    /** Drops a run's entry, so that it is read from its files when next needed. */
    void forget(String id) {
        entries.remove(id);
        distrusted.remove(id);
    }

    /**
     * After a write whose outcome is unknown, until the run's files are read again: an indexed run stays in
     * {@link #summaries} as last known (forgetting it would hide it from the maintenance until read), but {@link #get}
     * answers null, so its next write or load reads its files, and what they hold decides its version.
     */
    void distrust(String id) {
        if (entries.containsKey(id)) {
            distrusted.add(id);
        }
    }

    int size() {
        return entries.size();
    }

    void clear() {
        entries.clear();
        distrusted.clear();
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
