package io.flowstate.camel.state;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.ValueUpdate;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.support.Identifiers;

/**
 * State kept in a {@link FlowSnapshotRepository} under one namespace: the {@code persistent} scope of a flow, or the
 * {@code global} scope (namespace {@link #GLOBAL_NAMESPACE}, keys are paths such as {@code team/crm/config}).
 * {@code set}, {@code increment} and {@code append} are each one atomic update of the repository (it holds the key from
 * read to write), so they stay exact across threads and across Camel nodes sharing the repository, and never fail
 * because others write the same key. {@code delete} is a compare-and-set, retried on conflict ({@link ConflictRetries}).
 */
public class RepositoryStateStore implements StateStore {

    /** The repository namespace of the global scope: reserved, no flow id can take it. */
    public static final String GLOBAL_NAMESPACE = Identifiers.RESERVED_PREFIX + "global";

    private final FlowSnapshotRepository repository;
    private final String namespace;
    private final JsonValues json;
    private final boolean global;
    private final Clock clock;
    private final Runnable onConflict;

    /**
     * The {@code persistent} scope of flow {@code namespace}.
     *
     * @param clock      what decides whether a value with a time-to-live has expired
     * @param onConflict told of each delete attempt that conflicted with a concurrent write (see {@link ConflictRetries})
     */
    public RepositoryStateStore(FlowSnapshotRepository repository, String namespace, JsonValues json, Clock clock,
                                Runnable onConflict) {
        this(repository, namespace, json, false, clock, onConflict);
    }

    private RepositoryStateStore(FlowSnapshotRepository repository, String namespace, JsonValues json, boolean global,
                                 Clock clock, Runnable onConflict) {
        this.repository = repository;
        this.namespace = namespace;
        this.json = json;
        this.global = global;
        this.clock = clock;
        this.onConflict = onConflict;
    }

    /** The {@code global} scope: values shared by all flows, keys are paths ({@code team/crm/config}). */
    public static RepositoryStateStore global(FlowSnapshotRepository repository, JsonValues json, Clock clock,
                                              Runnable onConflict) {
        return new RepositoryStateStore(repository, GLOBAL_NAMESPACE, json, true, clock, onConflict);
    }

    /** A key of this scope, validated: a path for the global scope, a state key otherwise. */
    private String requireKey(String key) {
        return global ? Identifiers.requirePath(key) : Identifiers.requireKey(key);
    }

    /** "persistent state key 'k' of flow 'f'" or "global value 'team/crm/config'", for messages. */
    private String describe(String key) {
        return global ? "global value '" + key + "'" : "persistent state key '" + key + "' of flow '" + namespace + "'";
    }

    @Override
    public Object get(String key) {
        return json.toJava(read(key));
    }

    /** The value as JSON (opened when secret), or null when absent. */
    public JsonNode getJson(String key) {
        return read(key);
    }

    @Override
    public <T> T get(String key, Class<T> type) {
        return json.toJava(key, read(key), type);
    }

    @Override
    public void set(String key, Object value) {
        set(key, value, null);
    }

    /** A set with {@code ttl} stores the value's expiry; a set without one clears an earlier expiry. */
    @Override
    public void set(String key, Object value, Duration ttl) {
        JsonNode node = json.toJson(requireKey(key), value);
        update(key, current -> node, current -> ttl == null ? null : clock.instant().plus(ttl));
    }

    @Override
    public int append(String key, Object value) {
        JsonNode item = json.toJson(requireKey(key), value);
        return update(key, current -> {
            StateValueRules.requireList(describe(key), key, current, json);
            ArrayNode list = current != null && current.isArray()
                    ? ((ArrayNode) current).deepCopy() : JsonNodeFactory.instance.arrayNode();
            return list.add(item);
        }, RepositoryStateStore::keptExpiry).size();
    }

    @Override
    public Number increment(String key, Number by) {
        JsonNode step = json.toJson(requireKey(key), by);
        return update(key, current -> StateValueRules.add(describe(key), key, current, step, json),
                RepositoryStateStore::keptExpiry).numberValue();
    }

    @Override
    public boolean delete(String key) {
        requireKey(key);
        return ConflictRetries.run(describe(key), onConflict, attempt -> {
            Optional<VersionedValue> stored = live(repository.getValue(namespace, key));
            if (stored.isEmpty()) {
                return false; // an expired value is left to the maintenance pass's purge
            }
            repository.deleteValue(namespace, key, stored.get().version());
            return true;
        });
    }

    @Override
    public Map<String, Object> getAll() {
        Map<String, Object> all = new LinkedHashMap<>();
        liveValues().forEach((k, v) -> all.put(k, json.toJava(opened(k, v))));
        return all;
    }

    @Override
    public void clear() {
        repository.deleteValues(namespace);
    }

    @Override
    public List<String> keys() {
        return new ArrayList<>(liveValues().keySet());
    }

    private JsonNode read(String key) {
        return live(repository.getValue(namespace, requireKey(key))).map(v -> opened(key, v)).orElse(null);
    }

    /** The stored value unless it has expired: an expired value reads as absent. */
    private Optional<VersionedValue> live(Optional<VersionedValue> stored) {
        Instant now = clock.instant();
        return stored.filter(v -> !v.isExpired(now));
    }

    private Map<String, VersionedValue> liveValues() {
        Instant now = clock.instant();
        Map<String, VersionedValue> live = new LinkedHashMap<>(repository.getValues(namespace));
        live.values().removeIf(v -> v.isExpired(now));
        return live;
    }

    /** Append and increment keep the expiry a live value had (none for a value they create). */
    private static Instant keptExpiry(Optional<VersionedValue> current) {
        return current.map(VersionedValue::expiresAt).orElse(null);
    }

    /** A stored value as callers see it: decrypted when the key is secret. */
    private JsonNode opened(String key, VersionedValue stored) {
        return json.secrets().open(key, stored.value(), json);
    }

    /** A value as it is stored: encrypted when the key is secret (redaction would lose it: refused). */
    private JsonNode sealed(String key, JsonNode value) {
        if (json.secrets().isSecret(key) && !json.secrets().encrypts()) {
            throw new FlowStateException("State key '" + key + "' is secret and the " + (global ? "global" : "persistent")
                                         + " scope keeps values only in the repository: set the component option secretKey so that it is"
                                         + " stored encrypted. Nothing was stored.");
        }
        return json.secrets().seal(key, value);
    }

    /**
     * Read, compute and write as one atomic repository operation ({@link FlowSnapshotRepository#updateValue}): writers
     * of one key queue rather than conflict, so nothing fails under contention. {@code change} must not have side
     * effects (the repository may call it again). An expired value counts as absent.
     */
    private JsonNode update(String key, UnaryOperator<JsonNode> change,
                            Function<Optional<VersionedValue>, Instant> expiry) {
        AtomicReference<JsonNode> written = new AtomicReference<>(); // the last call's value is the one stored
        repository.updateValue(namespace, key, stored -> {
            Optional<VersionedValue> current = live(stored);
            JsonNode next = change.apply(current.map(v -> opened(key, v)).orElse(null));
            written.set(next);
            return new ValueUpdate(sealed(key, next), expiry.apply(current));
        });
        return written.get(); // as computed: a secret value is not decrypted again (nor its number type changed)
    }
}
