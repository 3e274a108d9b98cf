package io.flowstate.camel.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The keys of a state changed since its last checkpoint, so a checkpoint writes only those. Guarded by the state's
 * monitor; a drained set is handed back when its checkpoint fails, so no change is ever dropped.
 */
public final class StateChanges {

    private boolean cleared;
    private final Set<String> written = new LinkedHashSet<>();
    private final Set<String> removed = new LinkedHashSet<>();
    /** Items appended to lists that are otherwise unchanged: a checkpoint writes the items, not the whole list. */
    private final Map<String, List<JsonNode>> appended = new LinkedHashMap<>();

    /** Whether the whole state was emptied first (then {@link #written} holds every key present). */
    public boolean cleared() {
        return cleared;
    }

    /** Keys whose current value must be written. */
    public Set<String> written() {
        return written;
    }

    /** Keys to remove. */
    public Set<String> removed() {
        return removed;
    }

    /** Items appended to the lists under these keys, in order; their keys are in neither written nor removed. */
    public Map<String, List<JsonNode>> appended() {
        return appended;
    }

    void write(String key) {
        removed.remove(key);
        appended.remove(key);
        written.add(key);
    }

    void remove(String key) {
        written.remove(key);
        appended.remove(key);
        removed.add(key);
    }

    /** An item appended to the list under {@code key}, which held a list at the last checkpoint. */
    void append(String key, JsonNode item) {
        if (!written.contains(key)) {
            appended.computeIfAbsent(key, k -> new ArrayList<>()).add(item);
        }
    }

    void clear() {
        cleared = true;
        written.clear();
        removed.clear();
        appended.clear();
    }

    /** Puts back the changes of a failed checkpoint under the ones made since. */
    void requeue(StateChanges failed) {
        if (cleared) {
            return; // a clear since the failed checkpoint supersedes it
        }
        cleared = failed.cleared;
        for (String key : failed.removed) {
            if (!written.contains(key) && !appended.containsKey(key)) {
                removed.add(key);
            }
        }
        for (String key : failed.written) {
            if (!removed.contains(key)) {
                appended.remove(key); // the whole list is written, with what was appended since
                written.add(key);
            }
        }
        failed.appended.forEach((key, items) -> {
            if (removed.contains(key)) {
                return; // removed since: the items are gone with it
            }
            if (written.contains(key)) {
                return; // written whole since: it holds the items
            }
            if (failed.removed.contains(key) || failed.written.contains(key)) {
                written.add(key);
                appended.remove(key);
                return;
            }
            List<JsonNode> merged = new ArrayList<>(items); // the failed checkpoint's items come first
            merged.addAll(appended.getOrDefault(key, List.of()));
            appended.put(key, merged);
        });
    }
}
