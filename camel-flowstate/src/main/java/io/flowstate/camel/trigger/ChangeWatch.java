package io.flowstate.camel.trigger;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.state.ConflictRetries;
import io.flowstate.camel.state.JsonValues;
import io.flowstate.camel.support.Identifiers;
import io.flowstate.camel.support.OptionEnum;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code flowstate:changes:KEY}, Windmill's trigger pattern: the body (a collection the source gave) minus what the
 * {@code persistent} KEY holds from last time becomes the body; the watermark (ids and content hashes of the items the
 * source showed) is stored by compare-and-set on the key's version, at once or only when the exchange completes
 * without error.
 */
public final class ChangeWatch {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeWatch.class);

    /** Which items go on: option {@code mode}, written as {@link #toString()} ({@code new}, {@code newOrChanged}). */
    public enum Mode implements OptionEnum {
        NEW,
        NEW_OR_CHANGED;

        @Override
        public String toString() {
            return OptionEnum.lowerCamel(this);
        }
    }

    /**
     * When the watermark is stored: option {@code commit}, written as {@link #toString()} ({@code onCompletion},
     * {@code immediate}).
     */
    public enum Commit implements OptionEnum {
        ON_COMPLETION,
        IMMEDIATE;

        @Override
        public String toString() {
            return OptionEnum.lowerCamel(this);
        }
    }

    /** The options of one endpoint, checked when it is created; a null mode or commit is the default. */
    public record Options(IdPath idPath, Mode mode, Commit commit, boolean stopWhenEmpty) {
        public static Options of(String idPath, Mode mode, Commit commit, boolean stopWhenEmpty) {
            return new Options(IdPath.parse(idPath), mode == null ? Mode.NEW : mode,
                    commit == null ? Commit.ON_COMPLETION : commit, stopWhenEmpty);
        }
    }

    /**
     * What a poll found: the new (or changed) items, in the body's order, and the same items as JSON (what a run records
     * to give them again when its route is re-entered).
     */
    public record Result(List<Object> items, List<JsonNode> json, int total) {
    }

    private final JsonValues json;
    private final Supplier<FlowSnapshotRepository> repository;
    private final Runnable onConflict;

    /** @param onConflict told of each watermark write that conflicted with a concurrent one (see ConflictRetries) */
    public ChangeWatch(JsonValues json, Supplier<FlowSnapshotRepository> repository, Runnable onConflict) {
        this.json = json;
        this.repository = repository;
        this.onConflict = onConflict;
    }

    /**
     * Diffs the body against the watermark in {@code flowId}'s persistent {@code key}, and stores or schedules the new
     * watermark.
     *
     * @throws FlowStateException when the body is not a collection, an item has no id or two items share an id with
     *                            different content, or the key does not hold a watermark; nothing is stored then
     */
    public Result poll(Exchange exchange, String flowId, String key, Options options) {
        Identifiers.requireKey(key);
        String where = "persistent key '" + key + "' of flow '" + flowId + "'";
        List<Object> items = items(exchange.getMessage().getBody(), key);
        Map<String, Object> originals = new LinkedHashMap<>();
        Map<String, JsonNode> nodes = new LinkedHashMap<>();
        Map<String, Watermark.Entry> current = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            JsonNode node = json.toJson(key + "[" + i + "]", item);
            JsonNode id = options.idPath().idOf(node);
            if (id == null) {
                throw new FlowStateException("Item " + i + " of the body given to flowstate:changes:" + key
                                             + " has no id at idPath '" + options.idPath() + "'. Nothing was stored."
                                             + " Set idPath to the field holding the id (e.g. idPath=id).");
            }
            String idKey = Canonical.key(id);
            Watermark.Entry entry = new Watermark.Entry(id, Canonical.hash(node));
            Watermark.Entry earlier = current.putIfAbsent(idKey, entry);
            if (earlier == null) {
                originals.put(idKey, item);
                nodes.put(idKey, node);
            } else if (!earlier.hash().equals(entry.hash())) {
                throw new FlowStateException("Items of the body given to flowstate:changes:" + key + " share the id "
                                             + idKey + " but differ (the second is item " + i + "). Nothing was stored."
                                             + " Choose an idPath that identifies items.");
            }
        }
        Watermark view = new Watermark(current);
        Stored first = read(flowId, key, where);
        return ConflictRetries.run(where, onConflict, attempt -> {
            Stored base = attempt == 0 ? first : read(flowId, key, where);
            // after a conflict, keep what the concurrent commit added (merge), so it is not given out again
            Watermark next = attempt == 0 ? view : view.mergedWith(first.watermark(), base.watermark());
            List<Object> fresh = new ArrayList<>();
            List<JsonNode> freshJson = new ArrayList<>();
            view.entries().forEach((idKey, entry) -> {
                Watermark.Entry before = base.watermark().entries().get(idKey);
                if (before == null || options.mode() == Mode.NEW_OR_CHANGED && !before.hash().equals(entry.hash())) {
                    fresh.add(originals.get(idKey));
                    freshJson.add(nodes.get(idKey));
                }
            });
            if (options.commit() == Commit.ON_COMPLETION) {
                if (!next.sameAs(base.watermark())) {
                    exchange.getExchangeExtension()
                            .addOnCompletion(new CommitOnCompletion(flowId, key, where, base, next));
                }
            } else if (!next.sameAs(base.watermark())) {
                // a conflict means another poll committed first: diff again against what it stored, so no item is
                // given out twice
                repository.get().putValue(flowId, key, next.toJson(), base.version());
            }
            return new Result(fresh, freshJson, items.size());
        });
    }

    /** The watermark stored in {@code key} and its version (0 when none is). */
    private record Stored(Watermark watermark, long version) {
    }

    private Stored read(String flowId, String key, String where) {
        Optional<VersionedValue> stored = repository.get().getValue(flowId, key);
        return new Stored(Watermark.parse(stored.map(VersionedValue::value).orElse(null), where),
                stored.map(VersionedValue::version).orElse(0L));
    }

    private static List<Object> items(Object body, String key) {
        if (body instanceof Collection<?> collection) {
            return new ArrayList<>(collection);
        }
        if (body instanceof JsonNode node && node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.elements().forEachRemaining(list::add);
            return list;
        }
        if (body != null && body.getClass().isArray() && !(body instanceof byte[]) && !(body instanceof char[])) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < Array.getLength(body); i++) {
                list.add(Array.get(body, i));
            }
            return list;
        }
        throw new FlowStateException("flowstate:changes:" + key + " needs a collection in the body (a List, an array"
                                     + " or a JSON array), but the body is "
                                     + (body == null ? "null" : "a " + body.getClass().getName())
                                     + ". Nothing was stored. Convert it first, e.g. unmarshal().json() for JSON text.");
    }

    /** Stores the watermark when the exchange completes without error; a failed exchange stores nothing. */
    private final class CommitOnCompletion extends SynchronizationAdapter {
        private final String flowId;
        private final String key;
        private final String where;
        private final Stored base;
        private final Watermark next;

        CommitOnCompletion(String flowId, String key, String where, Stored base, Watermark next) {
            this.flowId = flowId;
            this.key = key;
            this.where = where;
            this.base = base;
            this.next = next;
        }

        @Override
        public void onComplete(Exchange exchange) {
            try {
                commit();
            } catch (RuntimeException e) {
                // the exchange is over: nobody to fail; the items come again with the next poll
                LOG.warn("Could not store the watermark in {}: {}", where, e.getMessage(), e);
            }
        }

        private void commit() {
            ConflictRetries.run(where, onConflict, attempt -> {
                Stored theirs = attempt == 0 ? base : read(flowId, key, where);
                Watermark merged = attempt == 0 ? next : next.mergedWith(base.watermark(), theirs.watermark());
                if (!merged.sameAs(theirs.watermark())) {
                    repository.get().putValue(flowId, key, merged.toJson(), theirs.version());
                }
                return null;
            });
        }
    }
}
