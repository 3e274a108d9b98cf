package io.flowstate.camel.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.VersionedValue;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.OptimisticLockingAggregationRepository;
import org.apache.camel.spi.RecoverableAggregationRepository;

/**
 * Camel's aggregation repository on the flowstate repository's key/value store: exchanges stored as JSON (see
 * {@link ExchangeJson}), a version per correlation key, recoverable.
 * <p>
 * One stored document per correlation key holds the group being aggregated ({@code open}) and the completed exchanges
 * not yet confirmed ({@code completed}, by exchange id), so that every step the aggregator takes — add, complete
 * (remove), confirm, recover — is ONE compare-and-set of one document: a crash between two steps leaves either the
 * state before or the state after, never a group both open and completed, nor a completed exchange lost. A completed
 * exchange belongs to the node that completed (or recovered) it for {@code completionLease}; after that, the recovery
 * task of any node may take it over, so an exchange whose node died is completed by another (at least once: a node
 * slower than the lease may see its exchange recovered too).
 */
@Metadata(label = "bean",
          description = "Aggregation repository (optimistic locking, recoverable) that keeps aggregated exchanges as"
                        + " JSON in the flowstate repository (file, H2 or PostgreSQL), shared by every node on the same"
                        + " store.",
          annotations = { "interfaceName=org.apache.camel.spi.AggregationRepository" })
public class FlowStateAggregationRepository extends FlowStateRepositorySupport
        implements OptimisticLockingAggregationRepository, RecoverableAggregationRepository {

    /** The exchange property that carries the stored version of the group an exchange was read from. */
    public static final String VERSION_PROPERTY = "CamelFlowStateAggregationVersion";

    private static final String WHAT = "correlation key";
    private static final int ATTEMPTS = 20;

    @Metadata(description = "Whether completed exchanges that were not confirmed are recovered.", defaultValue = "true")
    private boolean useRecovery = true;
    @Metadata(description = "How often the aggregator looks for exchanges to recover, in milliseconds.",
              defaultValue = "5000")
    private long recoveryInterval = 5000;
    @Metadata(description = "Where an exchange goes after maximumRedeliveries failed recoveries.")
    private String deadLetterUri;
    @Metadata(description = "How many recoveries of an exchange are tried before it goes to deadLetterUri.")
    private int maximumRedeliveries;
    @Metadata(description = "How long a completed exchange belongs to the node that completed or recovered it, before"
                            + " another node may recover it (ISO-8601).",
              defaultValue = "PT1M")
    private Duration completionLease = Duration.ofMinutes(1);

    /** Exchange id to stored key, for confirm; an exchange completed or recovered elsewhere is looked up. */
    private final Map<String, String> completedKeys = new ConcurrentHashMap<>();

    public FlowStateAggregationRepository() {
        super("aggregation");
    }

    // ---------------------------------------------------------------- AggregationRepository

    @Override
    public Exchange add(CamelContext camelContext, String key, Exchange exchange) {
        ObjectNode open = ExchangeJson.encode(exchange, describe());
        Exchange[] previous = new Exchange[1];
        long version = update(stored(key), current -> {
            previous[0] = current == null || !current.has("open") ? null
                    : ExchangeJson.decode(camelContext, current.get("open"));
            return document(key, current).set("open", open);
        });
        exchange.setProperty(VERSION_PROPERTY, version);
        return previous[0];
    }

    @Override
    public Exchange add(CamelContext camelContext, String key, Exchange oldExchange, Exchange newExchange)
            throws OptimisticLockingException {
        String stored = stored(key);
        ObjectNode open = ExchangeJson.encode(newExchange, describe());
        Optional<VersionedValue> current = repository().getValue(storeNamespace(), stored);
        if (oldExchange == null ? current.map(v -> v.value().has("open")).orElse(false)
                : current.isEmpty() || current.get().version() != versionOf(oldExchange)) {
            throw new OptimisticLockingException();
        }
        ObjectNode next = document(key, current.map(v -> (ObjectNode) v.value()).orElse(null)).set("open", open);
        try {
            long version = repository().putValue(storeNamespace(), stored, next,
                    current.map(VersionedValue::version).orElse(0L));
            newExchange.setProperty(VERSION_PROPERTY, version);
            return oldExchange;
        } catch (FlowSnapshotConflictException e) {
            throw new OptimisticLockingException();
        }
    }

    @Override
    public Exchange get(CamelContext camelContext, String key) {
        Optional<VersionedValue> stored = repository().getValue(storeNamespace(), stored(key));
        if (stored.isEmpty() || !stored.get().value().has("open")) {
            return null;
        }
        Exchange exchange = ExchangeJson.decode(camelContext, stored.get().value().get("open"));
        exchange.setProperty(VERSION_PROPERTY, stored.get().version());
        return exchange;
    }

    /**
     * The group is complete: moves it to the completed exchanges of its key, in one write.
     *
     * @throws OptimisticLockingException when the exchange was read at another version than the stored one
     */
    @Override
    public void remove(CamelContext camelContext, String key, Exchange exchange) {
        String stored = stored(key);
        ObjectNode completed = ExchangeJson.encode(exchange, describe());
        Optional<VersionedValue> current = repository().getValue(storeNamespace(), stored);
        Long expected = exchange.getProperty(VERSION_PROPERTY, Long.class);
        if (current.isEmpty() || expected != null && current.get().version() != expected) {
            throw new OptimisticLockingException();
        }
        ObjectNode next = document(key, (ObjectNode) current.get().value());
        next.remove("open");
        ObjectNode entry = ((ObjectNode) next.get("completed")).putObject(exchange.getExchangeId());
        entry.set("exchange", completed);
        entry.put("leaseUntil", clock().instant().plus(completionLease).toString());
        try {
            repository().putValue(storeNamespace(), stored, next, current.get().version());
            completedKeys.put(exchange.getExchangeId(), stored);
        } catch (FlowSnapshotConflictException e) {
            throw new OptimisticLockingException();
        }
    }

    @Override
    public void confirm(CamelContext camelContext, String exchangeId) {
        confirmWithResult(camelContext, exchangeId);
    }

    /** Removes the completed exchange; false when it is no longer stored (confirmed already). */
    @Override
    public boolean confirmWithResult(CamelContext camelContext, String exchangeId) {
        String stored = keyOfCompleted(exchangeId);
        if (stored == null) {
            return false;
        }
        FlowSnapshotRepository repository = repository();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<VersionedValue> current = repository.getValue(storeNamespace(), stored);
            if (current.isEmpty() || !current.get().value().path("completed").has(exchangeId)) {
                completedKeys.remove(exchangeId);
                return false;
            }
            ObjectNode next = ((ObjectNode) current.get().value()).deepCopy();
            ((ObjectNode) next.get("completed")).remove(exchangeId);
            try {
                if (next.has("open") || !next.get("completed").isEmpty()) {
                    repository.putValue(storeNamespace(), stored, next, current.get().version());
                } else {
                    repository.deleteValue(storeNamespace(), stored, current.get().version());
                }
                completedKeys.remove(exchangeId);
                return true;
            } catch (FlowSnapshotConflictException e) {
                // the group changed meanwhile (a new part arrived): read it again
            }
        }
        throw contended(exchangeId);
    }

    /** The correlation keys of the groups being aggregated. */
    @Override
    public Set<String> getKeys() {
        Set<String> keys = new LinkedHashSet<>();
        repository().getValues(storeNamespace()).values().forEach(v -> {
            if (v.value().has("open")) {
                keys.add(v.value().path("key").asText());
            }
        });
        return keys;
    }

    // ---------------------------------------------------------------- RecoverableAggregationRepository

    /** The completed, unconfirmed exchanges whose lease has passed: what this node may recover. */
    @Override
    public Set<String> scan(CamelContext camelContext) {
        Instant now = clock().instant();
        Set<String> due = new LinkedHashSet<>();
        repository().getValues(storeNamespace()).forEach((stored, v) -> v.value().path("completed").fields()
                .forEachRemaining(e -> {
                    if (!Instant.parse(e.getValue().path("leaseUntil").asText()).isAfter(now)) {
                        due.add(e.getKey());
                        completedKeys.put(e.getKey(), stored);
                    }
                }));
        return due;
    }

    /**
     * Takes the completed exchange over for {@code completionLease}; null when another node holds it or took it over
     * first, or it was confirmed meanwhile.
     */
    @Override
    public Exchange recover(CamelContext camelContext, String exchangeId) {
        String stored = keyOfCompleted(exchangeId);
        Optional<VersionedValue> current = stored == null ? Optional.empty()
                : repository().getValue(storeNamespace(), stored);
        JsonNode entry = current.map(v -> v.value().path("completed").get(exchangeId)).orElse(null);
        Instant now = clock().instant();
        if (entry == null || Instant.parse(entry.path("leaseUntil").asText()).isAfter(now)) {
            return null;
        }
        ObjectNode next = ((ObjectNode) current.get().value()).deepCopy();
        ((ObjectNode) next.get("completed").get(exchangeId)).put("leaseUntil", now.plus(completionLease).toString());
        try {
            repository().putValue(storeNamespace(), stored, next, current.get().version());
        } catch (FlowSnapshotConflictException e) {
            return null;
        }
        return ExchangeJson.decode(camelContext, entry.get("exchange"));
    }

    @Override
    public void setRecoveryInterval(long interval, TimeUnit timeUnit) {
        this.recoveryInterval = timeUnit.toMillis(interval);
    }

    @Override
    public void setRecoveryInterval(long interval) {
        this.recoveryInterval = interval;
    }

    @Override
    public long getRecoveryInterval() {
        return recoveryInterval;
    }

    @Override
    public void setUseRecovery(boolean useRecovery) {
        this.useRecovery = useRecovery;
    }

    @Override
    public boolean isUseRecovery() {
        return useRecovery;
    }

    @Override
    public void setDeadLetterUri(String deadLetterUri) {
        this.deadLetterUri = deadLetterUri;
    }

    @Override
    public String getDeadLetterUri() {
        return deadLetterUri;
    }

    @Override
    public void setMaximumRedeliveries(int maximumRedeliveries) {
        this.maximumRedeliveries = maximumRedeliveries;
    }

    @Override
    public int getMaximumRedeliveries() {
        return maximumRedeliveries;
    }

    public Duration getCompletionLease() {
        return completionLease;
    }

    /** How long a completed exchange belongs to the node that completed or recovered it. */
    public void setCompletionLease(Duration completionLease) {
        if (completionLease == null || completionLease.isZero() || completionLease.isNegative()) {
            throw new IllegalArgumentException("The completionLease of FlowStateAggregationRepository must be a positive"
                                               + " ISO-8601 duration such as PT1M, was " + completionLease);
        }
        this.completionLease = completionLease;
    }

    // ---------------------------------------------------------------- internals

    private String stored(String key) {
        return RepositoryKeys.of(WHAT, key);
    }

    private String describe() {
        return "FlowStateAggregationRepository " + getNamespace();
    }

    /** A copy of the stored document (or a new one) with its key and completed exchanges. */
    private static ObjectNode document(String key, ObjectNode current) {
        ObjectNode doc = current == null ? JsonNodeFactory.instance.objectNode() : current.deepCopy();
        doc.put("key", key);
        if (!doc.has("completed")) {
            doc.putObject("completed");
        }
        return doc;
    }

    private static long versionOf(Exchange exchange) {
        Long version = exchange.getProperty(VERSION_PROPERTY, Long.class);
        return version == null ? -1 : version;
    }

    private String keyOfCompleted(String exchangeId) {
        String stored = completedKeys.get(exchangeId);
        if (stored != null) {
            return stored;
        }
        for (Map.Entry<String, VersionedValue> e : repository().getValues(storeNamespace()).entrySet()) {
            if (e.getValue().value().path("completed").has(exchangeId)) {
                return e.getKey();
            }
        }
        return null;
    }

    private FlowStateException contended(String what) {
        return new FlowStateException("The aggregation group " + what + " of " + describe() + " changed under "
                                      + ATTEMPTS + " attempts in a row");
    }
}
