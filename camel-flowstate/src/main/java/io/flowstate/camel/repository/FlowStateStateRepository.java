package io.flowstate.camel.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.VersionedValue;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.StateRepository;

/**
 * Camel's {@link StateRepository} on the flowstate repository's key/value store, for components that keep offsets or
 * positions in one (Kafka's {@code offsetRepository} and others): values survive restarts and are shared by every node
 * on the same store. Each write is a compare-and-set retried on conflict, so a value is never torn; of concurrent
 * writes of one key the last one stays, as with every Camel state repository. Values may expire ({@code ttl}): an
 * expired value reads as absent and the component's maintenance pass removes it.
 */
@Metadata(label = "bean",
          description = "State repository (offsets, positions) that keeps its values in the flowstate repository (file,"
                        + " H2 or PostgreSQL), shared by every node on the same store.",
          annotations = { "interfaceName=org.apache.camel.spi.StateRepository" })
public class FlowStateStateRepository extends FlowStateRepositorySupport implements StateRepository<String, String> {

    private static final String WHAT = "state key";
    private static final int ATTEMPTS = 20;

    @Metadata(description = "How long a value lives after its last setState (ISO-8601 duration, e.g. P30D); then it"
                            + " reads as absent and the component's maintenance pass removes it. For ever when not set.")
    private Duration ttl;

    public FlowStateStateRepository() {
        super("state");
    }

    public Duration getTtl() {
        return ttl;
    }

    /** How long a value lives after its last setState; for ever when not set. */
    public void setTtl(Duration ttl) {
        this.ttl = positive("ttl", ttl);
    }

    /** Stores {@code value} under {@code key}; a null value removes the key. */
    @Override
    public void setState(String key, String value) {
        String stored = RepositoryKeys.of(WHAT, key);
        FlowSnapshotRepository repository = repository();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<VersionedValue> current = repository.getValue(storeNamespace(), stored);
            Instant now = clock().instant();
            try {
                if (value != null) {
                    repository.putValue(storeNamespace(), stored, entry(key, value),
                            current.map(VersionedValue::version).orElse(0L), ttl == null ? null : now.plus(ttl));
                } else if (current.isPresent()) {
                    repository.deleteValue(storeNamespace(), stored, current.get().version());
                }
                return;
            } catch (FlowSnapshotConflictException e) {
                // another write came first: read its version and write again
            }
        }
        throw new FlowStateException("The state key '" + RepositoryKeys.printable(key) + "' of namespace "
                                     + getNamespace() + " was not stored: it changed under " + ATTEMPTS
                                     + " attempts in a row");
    }

    /** The value stored under {@code key}, null when there is none. */
    @Override
    public String getState(String key) {
        Instant now = clock().instant();
        return repository().getValue(storeNamespace(), RepositoryKeys.of(WHAT, key))
                .filter(v -> !v.isExpired(now))
                .map(v -> v.value().path("value"))
                .filter(JsonNode::isTextual)
                .map(JsonNode::asText)
                .orElse(null);
    }

    private static ObjectNode entry(String key, String value) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("key", key);
        entry.put("value", value);
        return entry;
    }
}
