package io.flowstate.camel.state;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;

/**
 * A real memory repository on which, once {@link #contend} is called, every compare-and-set write or delete of one
 * key meets a concurrent writer that wrote first (what a key written by very many writers at once looks like to one
 * of them). Atomic updates ({@code updateValue}) hold the key instead of comparing versions: they go through.
 */
public final class AlwaysContendedRepository extends MemoryFlowSnapshotRepository {

    private volatile String contendedKey;
    private final AtomicInteger conflicts = new AtomicInteger();

    /** From now on every write or delete of {@code key} (in any namespace) conflicts. */
    public void contend(String key) {
        contendedKey = key;
    }

    /** The writes and deletes of the contended key refused so far. */
    public int conflicts() {
        return conflicts.get();
    }

    @Override
    public long putValue(String namespace, String key, JsonNode value, long expectedVersion, Instant expiresAt) {
        refuseWhenContended(key);
        return super.putValue(namespace, key, value, expectedVersion, expiresAt);
    }

    @Override
    public void deleteValue(String namespace, String key, long expectedVersion) {
        refuseWhenContended(key);
        super.deleteValue(namespace, key, expectedVersion);
    }

    private void refuseWhenContended(String key) {
        if (key.equals(contendedKey)) {
            conflicts.incrementAndGet();
            throw new FlowSnapshotConflictException("'" + key + "' was written by another writer first");
        }
    }
}
