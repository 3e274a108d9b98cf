package io.flowstate.camel.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.VersionedValue;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.Metadata;

/**
 * Camel's {@link IdempotentRepository} on the flowstate repository's key/value store: keys seen by an
 * {@code idempotentConsumer} survive restarts and are shared by every node on the same store (JDBC).
 * <p>
 * {@link #add} is one compare-and-set on the stored key (an insert where it is absent, a versioned replace where it has
 * expired): of concurrent adds of one key, on one node or several, exactly one returns true. Nothing is cached, so a
 * write that fails leaves nothing that makes the key look present (the repository changes nothing on a failed call).
 * Keys may expire ({@code ttl}): an expired key counts as absent and the component's maintenance pass removes it.
 */
@Metadata(label = "bean",
          description = "Idempotent repository (for the idempotentConsumer EIP) that keeps its keys in the flowstate"
                        + " repository (file, H2 or PostgreSQL), shared by every node on the same store.",
          annotations = { "interfaceName=org.apache.camel.spi.IdempotentRepository" })
public class FlowStateIdempotentRepository extends FlowStateRepositorySupport implements IdempotentRepository {

    private static final String WHAT = "idempotent key";
    /** Compare-and-set rounds of one call: another node removing or purging the key in between asks for one more. */
    private static final int ATTEMPTS = 20;

    @Metadata(description = "How long a key counts as seen (ISO-8601 duration, e.g. P7D); for ever when not set.")
    private Duration ttl;

    public FlowStateIdempotentRepository() {
        super("idempotent");
    }

    public Duration getTtl() {
        return ttl;
    }

    /** How long a key counts as seen; for ever when not set. */
    public void setTtl(Duration ttl) {
        this.ttl = positive("ttl", ttl);
    }

    @Override
    public boolean add(String key) {
        String stored = RepositoryKeys.of(WHAT, key);
        FlowSnapshotRepository repository = repository();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Instant now = clock().instant();
            Optional<VersionedValue> current = repository.getValue(storeNamespace(), stored);
            if (current.isPresent() && !current.get().isExpired(now)) {
                return false;
            }
            try {
                repository.putValue(storeNamespace(), stored, entry(key, now),
                        current.map(VersionedValue::version).orElse(0L), ttl == null ? null : now.plus(ttl));
                return true;
            } catch (FlowSnapshotConflictException e) {
                // another add (or a remove, or the purge) came first: look again
            }
        }
        throw contended(key);
    }

    @Override
    public boolean contains(String key) {
        Instant now = clock().instant();
        return repository().getValue(storeNamespace(), RepositoryKeys.of(WHAT, key)).filter(v -> !v.isExpired(now))
                .isPresent();
    }

    @Override
    public boolean remove(String key) {
        String stored = RepositoryKeys.of(WHAT, key);
        FlowSnapshotRepository repository = repository();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<VersionedValue> current = repository.getValue(storeNamespace(), stored);
            if (current.isEmpty()) {
                return false;
            }
            try {
                repository.deleteValue(storeNamespace(), stored, current.get().version());
                return !current.get().isExpired(clock().instant());
            } catch (FlowSnapshotConflictException e) {
                // changed meanwhile: look again
            }
        }
        throw contended(key);
    }

    /** Nothing to do: {@link #add} stored the key already (eager or not, the key is stored by the add). */
    @Override
    public boolean confirm(String key) {
        RepositoryKeys.check(WHAT, key);
        return true;
    }

    @Override
    public void clear() {
        repository().deleteValues(storeNamespace());
    }

    /** The original key in the value: the stored key of a hashed one does not tell it. */
    private static ObjectNode entry(String key, Instant now) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("key", key);
        entry.put("addedAt", now.toString());
        return entry;
    }

    private FlowStateException contended(String key) {
        return new FlowStateException("The idempotent key '" + RepositoryKeys.printable(key) + "' of namespace "
                                      + getNamespace() + " changed under " + ATTEMPTS + " attempts in a row: it is"
                                      + " being added and removed by others faster than this call could decide");
    }
}
