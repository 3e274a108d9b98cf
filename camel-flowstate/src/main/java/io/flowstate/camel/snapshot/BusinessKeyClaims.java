package io.flowstate.camel.snapshot;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which unfinished run holds each business key of a flow, for the repositories of one process (memory; file, whose
 * directory one process owns): a claim is one atomic compare-and-set on a concurrent map, never a look followed by a
 * write. A run claims its key when a write makes it unfinished with a key (before that write, so a refused claim
 * changes nothing) and releases it once a write finishes it, or when it is removed.
 */
public final class BusinessKeyClaims {

    private record FlowKey(String flowId, String businessKey) {
    }

    private final ConcurrentMap<FlowKey, String> holders = new ConcurrentHashMap<>();

    /**
     * Before a write that takes run {@code id} from {@code before} to {@code after} (either null: not stored): claims the
     * key {@code after} holds, unless {@code before} held it already.
     *
     * @return                               whether a key was claimed (release it if the write then fails)
     * @throws DuplicateBusinessKeyException when another run holds the key; nothing is changed
     */
    public boolean claimBefore(String id, FlowSnapshotSummary before, FlowSnapshotSummary after) {
        if (after == null || !after.holdsBusinessKey() || sameHeldKey(before, after)) {
            return false;
        }
        FlowKey key = new FlowKey(after.flowId(), after.businessKey());
        String holder = holders.putIfAbsent(key, id);
        if (holder != null && !holder.equals(id)) {
            throw DuplicateBusinessKeyException.of(id, after.flowId(), after.businessKey(), holder);
        }
        return holder == null;
    }

    /** After that write succeeded: releases the key {@code before} held and {@code after} no longer holds. */
    public void releaseAfter(String id, FlowSnapshotSummary before, FlowSnapshotSummary after) {
        if (before != null && before.holdsBusinessKey() && !sameHeldKey(after, before)) {
            release(id, before);
        }
    }

    /** Releases the key run {@code id} holds in {@code run} (removed, or a write that claimed it failed). */
    public void release(String id, FlowSnapshotSummary run) {
        if (run != null && run.businessKey() != null) {
            holders.remove(new FlowKey(run.flowId(), run.businessKey()), id);
        }
    }

    /**
     * Records the key a stored unfinished run holds (a file repository's start).
     *
     * @return the other run recorded for that key already, or null
     */
    public String restore(String id, FlowSnapshotSummary run) {
        if (!run.holdsBusinessKey()) {
            return null;
        }
        String holder = holders.putIfAbsent(new FlowKey(run.flowId(), run.businessKey()), id);
        return holder == null || holder.equals(id) ? null : holder;
    }

    public void clear() {
        holders.clear();
    }

    /** Whether {@code other} holds the same key of the same flow as {@code run} (which holds one). */
    private static boolean sameHeldKey(FlowSnapshotSummary other, FlowSnapshotSummary run) {
        return other != null && other.holdsBusinessKey() && Objects.equals(other.flowId(), run.flowId())
                && other.businessKey().equals(run.businessKey());
    }
}
