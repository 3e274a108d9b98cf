package io.flowstate.camel.execution;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The completed steps of a run and their results ({@code results.<stepKey>}), in completion order, with what was added
 * since the last checkpoint so a checkpoint writes only that. Thread-safe: branches of one run complete steps at once.
 */
public final class StepResults {

    private final Map<String, JsonNode> results = new LinkedHashMap<>(4);
    private final Set<String> completed = new LinkedHashSet<>(4);
    private Pending pending = Pending.NONE;

    /** What the next checkpoint must write: results written and steps newly completed since the last one. */
    record Pending(Set<String> results, List<String> completed) {
        /** Nothing pending (shared, never changed: replaced by a fresh one on the first completed step). */
        static final Pending NONE = new Pending(Set.of(), List.of());

        Pending() {
            this(new LinkedHashSet<>(), new ArrayList<>());
        }
    }

    /** Results read back from a snapshot: nothing is pending for the next checkpoint. */
    static StepResults restored(ObjectNode storedResults, List<String> completedSteps) {
        StepResults restored = new StepResults();
        storedResults.fields().forEachRemaining(e -> restored.results.put(e.getKey(), e.getValue().deepCopy()));
        restored.completed.addAll(completedSteps);
        return restored;
    }

    /** Records a step as completed with its result (already a JSON copy owned by this object). */
    public synchronized void complete(String stepKey, JsonNode result) {
        if (pending == Pending.NONE) {
            pending = new Pending();
        }
        results.put(stepKey, result);
        pending.results().add(stepKey); // also when a step ran again (at-least-once): its new result is written
        if (completed.add(stepKey)) {
            pending.completed().add(stepKey);
        }
    }

    /** Records a step as completed with its result (a JSON copy owned by this object) that is stored already. */
    public synchronized void completeSaved(String stepKey, JsonNode result) {
        results.put(stepKey, result);
        completed.add(stepKey);
    }

    /**
     * Records a result that is no completed step (e.g. what flowstate:changes gave, under {@code changes:KEY}): it is
     * saved with the run's next save and read back with it, but a resume does not look for a step of that name.
     */
    public synchronized void record(String key, JsonNode result) {
        if (pending == Pending.NONE) {
            pending = new Pending();
        }
        results.put(key, result);
        pending.results().add(key);
    }

    public synchronized boolean isCompleted(String stepKey) {
        return completed.contains(stepKey);
    }

    /** The recorded result of a completed step (not a copy: do not mutate), or null. */
    public synchronized JsonNode result(String stepKey) {
        return results.get(stepKey);
    }

    /** A copy of all results, by step key. */
    public synchronized ObjectNode tree() {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        results.forEach((k, v) -> tree.set(k, v.deepCopy()));
        return tree;
    }

    public synchronized List<String> completedSteps() {
        return new ArrayList<>(completed);
    }

    /**
     * Starts a checkpoint: hands what is pending, with the current results, to {@code writer} (which copies what it
     * keeps) and starts a new pending set. Give the returned set back with {@link #requeue} if the checkpoint fails.
     */
    synchronized Pending drain(java.util.function.BiConsumer<Pending, Map<String, JsonNode>> writer) {
        Pending drained = pending;
        writer.accept(drained, results);
        pending = Pending.NONE;
        return drained;
    }

    /** Gives back what a failed checkpoint did not write, ahead of what was added since. */
    synchronized void requeue(Pending failed) {
        Pending merged = new Pending();
        merged.results().addAll(failed.results());
        merged.results().addAll(pending.results());
        merged.completed().addAll(failed.completed());
        pending.completed().stream().filter(k -> !merged.completed().contains(k)).forEach(merged.completed()::add);
        pending = merged;
    }

    /** Everything is being written whole (the run's first save): nothing stays pending. */
    synchronized void markAllSaved() {
        pending = Pending.NONE;
    }
}
