package io.flowstate.camel.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.support.Identifiers;

/**
 * State held in memory: the {@code execution} scope of a run and the {@code flow} scope of a flow. One monitor guards
 * it, so split and multicast copies of an exchange that share the run see every update, and {@link #edit} gives an
 * atomic read-modify-write of the whole state.
 * <p>
 * The stored trees are owned by this object alone: values are converted (copied) on the way in and on the way out.
 */
public class LocalStateStore implements StateStore {

    private final JsonValues json;
    private final StateSchema schema;
    private final Map<String, JsonNode> values = new LinkedHashMap<>();
    /** Changes since the last checkpoint; null until the state is first saved (nothing to track before that). */
    private StateChanges changes;

    /**
     * @param schema the typed state, or null for free-form state
     */
    public LocalStateStore(JsonValues json, StateSchema schema) {
        this.json = json;
        this.schema = schema;
        if (schema != null) {
            schema.defaults().fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
        }
    }

    /** The typed state's schema, or null. */
    public StateSchema schema() {
        return schema;
    }

    @Override
    public Object get(String key) {
        Identifiers.requireKey(key);
        synchronized (this) {
            return json.toJava(values.get(key));
        }
    }

    @Override
    public <T> T get(String key, Class<T> type) {
        Identifiers.requireKey(key);
        JsonNode node;
        synchronized (this) {
            node = values.get(key);
            // conversion to a user type may be slow; copy to convert outside the lock
            node = node == null ? null : node.deepCopy();
        }
        return json.toJava(key, node, type);
    }

    @Override
    public void set(String key, Object value) {
        checkWritable(key);
        JsonNode node = json.toJson(key, value);
        synchronized (this) {
            store(key, node);
        }
    }

    @Override
    public int append(String key, Object value) {
        checkWritable(key);
        JsonNode item = json.toJson(key, value);
        synchronized (this) {
            JsonNode current = values.get(key);
            StateValueRules.requireList("state key '" + key + "'", key, current, json);
            if (schema == null && current != null && current.isArray()) {
                ((ArrayNode) current).add(item); // we own the tree: append in place, no copy of the list
                if (changes != null) {
                    changes.append(key, item); // a checkpoint writes the item, not the list
                }
                return current.size();
            }
            ArrayNode list = current != null && current.isArray()
                    ? ((ArrayNode) current).deepCopy() : JsonNodeFactory.instance.arrayNode();
            list.add(item);
            store(key, list);
            return values.get(key).size();
        }
    }

    @Override
    public Number increment(String key, Number by) {
        checkWritable(key);
        JsonNode step = json.toJson(key, by);
        synchronized (this) {
            JsonNode current = values.get(key);
            JsonNode next = StateValueRules.add("state key '" + key + "'", key, current, step, json);
            store(key, next);
            return values.get(key).numberValue();
        }
    }

    @Override
    public boolean delete(String key) {
        checkWritable(key);
        synchronized (this) {
            if (!values.containsKey(key)) {
                return false;
            }
            if (schema != null) {
                // a typed property cannot disappear: deleting it restores its default
                ObjectNode candidate = tree();
                candidate.set(key, schema.defaults().get(key));
                replaceAll(schema.validate(candidate, key));
            } else {
                values.remove(key);
                if (changes != null) {
                    changes.remove(key);
                }
            }
            return true;
        }
    }

    @Override
    public synchronized Map<String, Object> getAll() {
        Map<String, Object> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, json.toJava(v)));
        return copy;
    }

    @Override
    public synchronized void clear() {
        values.clear();
        if (schema != null) {
            schema.defaults().fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
        }
        markAllChanged();
    }

    @Override
    public synchronized List<String> keys() {
        return new ArrayList<>(values.keySet());
    }

    /**
     * Atomic read-modify-write of the whole state: while {@code change} runs, no other copy of the exchange can read or
     * write this state. {@code change} works on a copy; if it throws, nothing of what it did is kept.
     */
    public void edit(Consumer<StateStore> change) {
        synchronized (this) {
            LocalStateStore draft = new LocalStateStore(json, null);
            values.forEach((k, v) -> draft.values.put(k, v.deepCopy()));
            change.accept(draft);
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            draft.values.forEach(result::set);
            if (schema != null) {
                result.fieldNames().forEachRemaining(schema::checkKey);
                result = schema.validate(withDefaults(result), "edit");
            }
            replaceAll(result);
        }
    }

    /**
     * Atomic read-modify-write of typed state: {@code change} receives the state as its class and returns the new
     * state (records are immutable: return a new one).
     */
    public <T> T edit(Class<T> type, UnaryOperator<T> change) {
        StateSchema typed = requireSchema(type);
        synchronized (this) {
            T next = change.apply(typed.toObject(tree(), type));
            replaceAll(typed.fromObject(next));
            return typed.toObject(tree(), type);
        }
    }

    /** The whole typed state as an instance of its class. */
    public <T> T getState(Class<T> type) {
        StateSchema typed = requireSchema(type);
        ObjectNode copy;
        synchronized (this) {
            copy = tree();
        }
        return typed.toObject(copy, type);
    }

    /** A deep copy of the whole state as one JSON object, e.g. for a snapshot or the flowstate language. */
    public synchronized ObjectNode tree() {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        values.forEach((k, v) -> tree.set(k, v.deepCopy()));
        return tree;
    }

    /** Replaces the whole state with a copy of {@code state}; only keys whose value differs count as changed. */
    public synchronized void replaceAll(ObjectNode state) {
        Map<String, JsonNode> before = changes == null ? Map.of() : new LinkedHashMap<>(values);
        values.clear();
        state.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().deepCopy()));
        if (changes != null) {
            before.keySet().stream().filter(k -> !values.containsKey(k)).forEach(changes::remove);
            values.forEach((k, v) -> {
                if (!v.equals(before.get(k))) {
                    changes.write(k);
                }
            });
        }
    }

    // ------------------------------------------------------------------ checkpoints

    /**
     * A copy of the whole state for a run's first save; from now on changes are tracked for the next checkpoints.
     */
    public synchronized ObjectNode treeForFirstSave() {
        changes = new StateChanges();
        return tree();
    }

    /**
     * A state read back from a snapshot; typed state checks it against its class (a snapshot written before the class
     * changed may no longer fit). Changes are tracked from the start: the run is stored already.
     */
    public static LocalStateStore restored(JsonValues json, StateSchema schema, ObjectNode stored) {
        LocalStateStore store = new LocalStateStore(json, schema);
        if (schema != null) {
            ObjectNode merged = schema.defaults();
            merged.setAll(stored.deepCopy());
            merged.fieldNames().forEachRemaining(schema::checkKey);
            store.replaceAll(schema.validate(merged, "restored state"));
        } else {
            store.replaceAll(stored);
        }
        store.changes = new StateChanges();
        return store;
    }

    /**
     * Hands the changes since the last checkpoint to {@code writer} together with the current values, under this
     * state's lock so that no write slips between reading and resetting them; returns those changes (give them back
     * with {@link #requeue} if the checkpoint fails).
     */
    public synchronized StateChanges drainChanges(java.util.function.BiConsumer<StateChanges, Map<String, JsonNode>> writer) {
        StateChanges drained = changes == null ? new StateChanges() : changes;
        writer.accept(drained, values); // the writer copies what it keeps
        changes = new StateChanges();
        return drained;
    }

    /** Gives back the changes of a checkpoint that failed, so the next one writes them. */
    public synchronized void requeue(StateChanges failed) {
        if (changes == null) {
            return; // not saved yet: the next save is a full one anyway
        }
        changes.requeue(failed);
    }

    private void track(String key) {
        if (changes != null) {
            changes.write(key);
        }
    }

    private void markAllChanged() {
        if (changes != null) {
            changes.clear();
            values.keySet().forEach(changes::write);
        }
    }

    private StateSchema requireSchema(Class<?> type) {
        if (schema == null) {
            throw new StateTypeException("This state is not typed: declare the state class on flowstate:start"
                                         + " (stateClass=" + type.getName() + ") before reading it as one");
        }
        if (!type.isAssignableFrom(schema.type())) {
            throw new StateTypeException("The state is typed as " + schema.type().getName() + ", not " + type.getName());
        }
        return schema;
    }

    private void checkWritable(String key) {
        Identifiers.requireKey(key);
        if (schema != null) {
            schema.checkKey(key);
        }
    }

    /** Writes one key; typed state checks the whole state first, so a rejected write changes nothing. */
    private void store(String key, JsonNode node) {
        if (schema == null) {
            values.put(key, node);
            track(key);
            return;
        }
        ObjectNode candidate = tree();
        candidate.set(key, node);
        replaceAll(schema.validate(candidate, key));
    }

    private ObjectNode withDefaults(ObjectNode state) {
        ObjectNode merged = schema.defaults();
        merged.setAll(state);
        return merged;
    }
}
