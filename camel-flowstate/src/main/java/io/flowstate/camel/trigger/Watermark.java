package io.flowstate.camel.trigger;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateException;

/**
 * What a {@code flowstate:changes} key holds: the items the source showed last time, each as its id and a hash of its
 * content (never the content itself), stored as {@code {"format": 1, "items": [{"id": …, "hash": "…"}, …]}}.
 */
final class Watermark {

    static final int FORMAT = 1;

    /** One item: its id as stored, and the hash of its content. */
    record Entry(JsonNode id, String hash) {
    }

    /** By id key (the id's canonical JSON text), in the source's order. */
    private final Map<String, Entry> entries;

    Watermark(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    static Watermark empty() {
        return new Watermark(Map.of());
    }

    Map<String, Entry> entries() {
        return entries;
    }

    boolean sameAs(Watermark other) {
        return entries.equals(other.entries);
    }

    /**
     * Reads a stored watermark.
     *
     * @throws FlowStateException naming the key and what is wrong when the value is not a watermark (written by
     *                            something else, or corrupted); nothing is changed
     */
    static Watermark parse(JsonNode stored, String where) {
        if (stored == null || stored.isNull()) {
            return empty();
        }
        if (!stored.isObject() || !stored.path("format").isInt() || !stored.path("items").isArray()) {
            throw corrupt(where, "it is not an object with format and items");
        }
        if (stored.get("format").intValue() != FORMAT) {
            throw corrupt(where, "its format " + stored.get("format").intValue() + " is not " + FORMAT);
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        int index = 0;
        for (Iterator<JsonNode> it = stored.get("items").elements(); it.hasNext(); index++) {
            JsonNode item = it.next();
            JsonNode id = item.get("id");
            JsonNode hash = item.get("hash");
            if (!item.isObject() || id == null || id.isNull() || hash == null || !hash.isTextual()) {
                throw corrupt(where, "item " + index + " has no id or no hash");
            }
            if (entries.put(Canonical.key(id), new Entry(id, hash.textValue())) != null) {
                throw corrupt(where, "item " + index + " repeats the id " + Canonical.key(id));
            }
        }
        return new Watermark(entries);
    }

    JsonNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("format", FORMAT);
        ArrayNode items = node.putArray("items");
        entries.values().forEach(e -> items.addObject().put("hash", e.hash()).set("id", e.id()));
        return node;
    }

    /**
     * A three-way merge for a commit that met a concurrent one: ours ({@code this}, the source as this exchange saw
     * it) plus what the other commit added ({@code theirs} minus {@code base}) that ours does not know.
     */
    Watermark mergedWith(Watermark base, Watermark theirs) {
        Map<String, Entry> merged = new LinkedHashMap<>(entries);
        theirs.entries.forEach((key, entry) -> {
            Entry before = base.entries.get(key);
            if (!merged.containsKey(key) && (before == null || !before.equals(entry))) {
                merged.put(key, entry);
            }
        });
        return new Watermark(merged);
    }

    private static FlowStateException corrupt(String where, String why) {
        return new FlowStateException("The " + where + " does not hold a flowstate:changes watermark: " + why
                                      + ". Nothing was changed. Delete the key (flowstate:delete with"
                                      + " scope=persistent) to start over, which makes every item new once.");
    }
}
