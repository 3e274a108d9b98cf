package io.flowstate.camel.state;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The keys of a state changed since its last checkpoint, so a checkpoint writes only those. Guarded by the state's
 * monitor; a drained set is handed back when its checkpoint fails, so no change is ever dropped.
 */
public final class StateChanges {

    private boolean cleared;
    private final Set<String> written = new LinkedHashSet<>();
    private final Set<String> removed = new LinkedHashSet<>();

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

    public boolean isEmpty() {
        return !cleared && written.isEmpty() && removed.isEmpty();
    }

    void write(String key) {
        removed.remove(key);
        written.add(key);
    }

    void remove(String key) {
        written.remove(key);
        removed.add(key);
    }

    void clear() {
        cleared = true;
        written.clear();
        removed.clear();
    }

    /** Puts back the changes of a failed checkpoint under the ones made since. */
    void requeue(StateChanges failed) {
        if (cleared) {
            return; // a clear since the failed checkpoint supersedes it
        }
        cleared = failed.cleared;
        for (String key : failed.removed) {
            if (!written.contains(key)) {
                removed.add(key);
            }
        }
        for (String key : failed.written) {
            if (!removed.contains(key)) {
                written.add(key);
            }
        }
    }
}
