package io.flowstate.camel.snapshot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Appends events to a run's history document ({@code {"counts": {TYPE: n}, "events": [...]}}): every event is
 * counted, and only the last {@code maxHistory} are kept, so a run of any length stores a bounded history. Mutable:
 * one fold per merge, however many deltas it applies.
 */
final class HistoryFold {

    private final ArrayDeque<JsonNode> events = new ArrayDeque<>();
    private final Map<HistoryEvent.Type, Long> counts;

    /** @param history a stored history document, or null for none */
    HistoryFold(ObjectNode history) {
        this.counts = counts(history);
        JsonNode stored = history == null ? null : history.get("events");
        if (stored != null) {
            stored.forEach(events::add);
        }
    }

    /** Counts and appends {@code added}, then drops the oldest events beyond {@code maxHistory}. */
    void add(List<HistoryEvent> added, int maxHistory) {
        for (HistoryEvent event : added) {
            counts.merge(event.type(), 1L, Long::sum);
            events.add(event.json());
        }
        while (events.size() > maxHistory) {
            events.removeFirst();
        }
    }

    ObjectNode result() {
        ObjectNode history = JsonNodeFactory.instance.objectNode();
        if (events.isEmpty() && counts.isEmpty()) {
            return history;
        }
        ObjectNode countsNode = history.putObject("counts");
        counts.forEach((type, n) -> countsNode.put(type.name(), n));
        history.set("events", new ArrayNode(JsonNodeFactory.instance, new ArrayList<>(events)));
        return history;
    }

    /** The events of a history document, checked. */
    static List<HistoryEvent> events(ObjectNode history, String what) {
        JsonNode stored = history == null ? null : history.get("events");
        if (stored == null || stored.isNull()) {
            return List.of();
        }
        if (!stored.isArray()) {
            throw new FlowSnapshotFormatException(what + ": field history.events is not a JSON array");
        }
        List<HistoryEvent> list = new ArrayList<>(stored.size());
        for (JsonNode event : stored) {
            list.add(HistoryEvent.fromJson(event, what));
        }
        return Collections.unmodifiableList(list);
    }

    /** The counts of a history document; types not known to this version are left out. */
    static Map<HistoryEvent.Type, Long> counts(ObjectNode history) {
        Map<HistoryEvent.Type, Long> counts = new EnumMap<>(HistoryEvent.Type.class);
        JsonNode stored = history == null ? null : history.get("counts");
        if (stored != null && stored.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = stored.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                for (HistoryEvent.Type type : HistoryEvent.Type.values()) {
                    if (type.name().equals(e.getKey()) && e.getValue().canConvertToLong()) {
                        counts.put(type, e.getValue().longValue());
                    }
                }
            }
        }
        return counts;
    }
}
