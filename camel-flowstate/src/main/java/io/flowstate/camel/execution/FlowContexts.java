package io.flowstate.camel.execution;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.state.ConflictRetries;
import io.flowstate.camel.state.JsonValues;
import io.flowstate.camel.support.Identifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contexts reused across runs (header {@code CamelFlowStateContextId} on {@code flowstate:start}): a run of context X
 * begins with the {@code execution} state the last completed run of X ended with, and its own final state becomes X's
 * state when it completes. One run at a time per context.
 * <p>
 * A context is one value of the repository's key/value part, in the reserved namespace {@link #NAMESPACE}, keyed by the
 * context id: {@code {"format": 1, "state": {…}, "activeRun": id|null, "claimedAt": …, "lastRun": id|null}}. Every
 * change is a compare-and-set on its version, so of two nodes starting a run of one context exactly one gets it. The
 * state is stored as snapshots store it (values under secretKeys sealed).
 * <p>
 * A context's active run is saved as soon as it starts, so whether it still runs is read from the repository: RUNNING
 * or SUSPENDED means busy; COMPLETED means it finished but the context was not updated (its node stopped in between):
 * its final state is taken over; FAILED or gone (retention) means the claim is stale. A claim whose run is not stored
 * yet counts as busy for one lease duration (the run is being saved).
 */
public final class FlowContexts {

    /** The repository namespace of contexts. */
    public static final String NAMESPACE = Identifiers.RESERVED_PREFIX + "contexts";

    private static final Logger LOG = LoggerFactory.getLogger(FlowContexts.class);

    private final JsonValues json;
    private final Supplier<FlowSnapshotRepository> repository;
    private final FlowCheckpoints checkpoints;
    private final java.time.Clock clock;
    private final Runnable onConflict;

    FlowContexts(JsonValues json, Supplier<FlowSnapshotRepository> repository, FlowCheckpoints checkpoints,
                 java.time.Clock clock, Runnable onConflict) {
        this.json = json;
        this.repository = repository;
        this.checkpoints = checkpoints;
        this.clock = clock;
        this.onConflict = onConflict;
    }

    /**
     * The state context {@code contextId} holds now, as plain Java (secret values opened when they are encrypted);
     * empty when the context has none.
     */
    public Map<String, Object> state(String contextId) {
        Optional<VersionedValue> stored = read(contextId);
        if (stored.isEmpty()) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> state = (Map<String, Object>) json.toJava(
                json.secrets().openAll(stateOf(stored.get().value()), json));
        return state;
    }

    /** The run that holds context {@code contextId} (running or suspended), if any. */
    public Optional<String> activeRun(String contextId) {
        return read(contextId).map(v -> text(v.value(), "activeRun"));
    }

    /** The last run that completed in context {@code contextId}, if any. */
    public Optional<String> lastRun(String contextId) {
        return read(contextId).map(v -> text(v.value(), "lastRun"));
    }

    /**
     * Removes a context that has no active run.
     *
     * @return                         whether it existed
     * @throws FlowContextBusyException when a run holds it
     */
    public boolean delete(String contextId) {
        return ConflictRetries.run(described(contextId), onConflict, attempt -> {
            Optional<VersionedValue> stored = read(contextId);
            if (stored.isEmpty()) {
                return false;
            }
            checkFree(contextId, stored.get().value(), null);
            repository.get().deleteValue(NAMESPACE, contextId, stored.get().version());
            return true;
        });
    }

    /**
     * Makes run {@code executionId} the active run of the context and gives the state it begins with (as stored:
     * secret values sealed).
     *
     * @throws FlowContextBusyException when another run holds the context; nothing is changed
     */
    ObjectNode claim(String contextId, String executionId, String flowId) {
        Identifiers.requireContextId(contextId);
        return ConflictRetries.run(described(contextId), onConflict, attempt -> {
            Optional<VersionedValue> stored = repository.get().getValue(NAMESPACE, contextId);
            ObjectNode doc = stored.map(v -> (ObjectNode) v.value().deepCopy()).orElseGet(FlowContexts::newDocument);
            ObjectNode state = checkFree(contextId, doc, flowId);
            doc.set("state", state);
            doc.put("activeRun", executionId);
            doc.put("activeFlow", flowId);
            doc.put("claimedAt", clock.instant().toString());
            repository.get().putValue(NAMESPACE, contextId, doc, stored.map(VersionedValue::version).orElse(0L));
            return state.deepCopy();
        });
    }

    /** The run completed: its final state becomes the context's, and the context is free again. */
    void completed(FlowExecution run) {
        ObjectNode finalState = json.secrets().sealAll(run.state().tree());
        release(run, finalState);
    }

    /** The run failed (or could not be saved at its start): the context keeps its state and is free again. */
    void released(FlowExecution run) {
        release(run, null);
    }

    /** A claim whose run never got going (its state did not fit): the context is free again. */
    void released(String executionId, String flowId, String contextId) {
        release(executionId, flowId, contextId, null);
    }

    private void release(FlowExecution run, ObjectNode newState) {
        release(run.getExecutionId(), run.getFlowId(), run.getContextId(), newState);
    }

    private void release(String executionId, String flowId, String contextId, ObjectNode newState) {
        try {
            ConflictRetries.run(described(contextId), onConflict, attempt -> {
                Optional<VersionedValue> stored = repository.get().getValue(NAMESPACE, contextId);
                if (stored.isEmpty() || !executionId.equals(text(stored.get().value(), "activeRun"))) {
                    LOG.warn("Run {} of flow '{}' ended, but context '{}' is no longer held by it: the context was not"
                             + " changed", executionId, flowId, contextId);
                    return null;
                }
                ObjectNode doc = (ObjectNode) stored.get().value().deepCopy();
                if (newState != null) {
                    doc.set("state", newState);
                    doc.put("lastRun", executionId);
                }
                doc.putNull("activeRun");
                doc.putNull("activeFlow");
                doc.putNull("claimedAt");
                repository.get().putValue(NAMESPACE, contextId, doc, stored.get().version());
                return null;
            });
        } catch (RuntimeException e) {
            // the run's own status is saved already; the next claim of the context repairs it from the stored run
            LOG.warn("Could not update context '{}' after run {} ended: {}. The next run of the context takes the"
                     + " stored run's outcome into account", contextId, executionId, e.getMessage(), e);
        }
    }

    /**
     * The state a new run of the context begins with, if no run holds it.
     *
     * @param starting the flow of the run being started, or null (for messages only)
     */
    private ObjectNode checkFree(String contextId, JsonNode doc, String starting) {
        ObjectNode state = stateOf(doc);
        String active = text(doc, "activeRun");
        if (active == null) {
            return state;
        }
        FlowSnapshot run = repository.get().load(active).orElse(null);
        if (run == null) {
            String claimedAt = text(doc, "claimedAt");
            Instant since = claimedAt == null ? Instant.EPOCH : Instant.parse(claimedAt);
            if (since.plus(checkpoints.leaseDuration()).isAfter(clock.instant())) {
                throw busy(contextId, active, text(doc, "activeFlow"), "being started", starting);
            }
            return state; // never saved and long gone: a stale claim
        }
        switch (run.status()) {
            case RUNNING:
            case SUSPENDED:
                throw busy(contextId, active, run.flowId(), run.status().name(), starting);
            case COMPLETED:
                return run.state().deepCopy(); // it completed but the context was not updated: take its state over
            default:
                return state; // FAILED: the context keeps the state of its last completed run
        }
    }

    private static FlowContextBusyException busy(
            String contextId, String active, String activeFlow, String status, String starting) {
        return new FlowContextBusyException("Context '" + contextId + "' is in use by run " + active
                                            + (activeFlow == null ? "" : " of flow '" + activeFlow + "'") + " ("
                                            + status + "): a context has one run at a time, and "
                                            + (starting == null ? "cannot be removed now"
                                                    : "no run of flow '" + starting + "' was started")
                                            + ". Wait until that run completes or fails (resume it if it is"
                                            + " suspended), or use another context id.");
    }

    private Optional<VersionedValue> read(String contextId) {
        return repository.get().getValue(NAMESPACE, Identifiers.requireContextId(contextId));
    }

    private static ObjectNode newDocument() {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("format", 1);
        doc.putObject("state");
        doc.putNull("activeRun");
        doc.putNull("lastRun");
        return doc;
    }

    private static ObjectNode stateOf(JsonNode doc) {
        JsonNode state = doc.get("state");
        if (state == null || !state.isObject()) {
            throw new FlowStateException("The stored context holds no state object: it is corrupt. " + doc.toString()
                    .substring(0, Math.min(80, doc.toString().length())));
        }
        return ((ObjectNode) state).deepCopy();
    }

    private static String text(JsonNode doc, String field) {
        JsonNode value = doc.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String described(String contextId) {
        return "context '" + contextId + "'";
    }
}
