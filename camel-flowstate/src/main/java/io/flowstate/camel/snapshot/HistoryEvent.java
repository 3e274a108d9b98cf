package io.flowstate.camel.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One entry of a run's history ({@code flowstate:history}): what happened ({@link Type}), when, and where they apply
 * the step, the suspend or sleep name, the actor, the node, the reason, the error text, the attempt and the step's
 * duration. Stored as a JSON object with those names ({@code type}, {@code at}, {@code step}, {@code name},
 * {@code actor}, {@code node}, {@code reason}, {@code error}, {@code attempt}, {@code durationMs}, plus
 * {@code timeout} and {@code wakeAt} for suspends and sleeps). Immutable.
 * <p>
 * Texts are a record, not identities: each is cut to {@link #MAX_TEXT_LENGTH} characters (an error to
 * {@link FlowSnapshot#MAX_FAILURE_LENGTH}) rather than refused.
 */
public final class HistoryEvent {

    /** Longest actor, reason, step, name or node kept; longer ones are cut and end with "...". */
    public static final int MAX_TEXT_LENGTH = 1000;

    /** What happened to the run. */
    public enum Type {
        /** The run began; {@code actor} from header CamelFlowStateActor when present. */
        STARTED,
        /** A step ended and its result was recorded: {@code step}, {@code durationMs}. */
        STEP_COMPLETED,
        /** The run waits at a suspend step: {@code name}, {@code timeout} when it has one. */
        SUSPENDED,
        /** flowstate:resume continued it: {@code name}, {@code actor}. */
        RESUMED,
        /** A suspend's timeout passed and the run continued without a resume: {@code name}. */
        TIMED_OUT,
        /** The run sleeps (flowstate:sleep): {@code name}, {@code wakeAt}. */
        SLEPT,
        /** A sleep's time came and the run continued: {@code name}. */
        WOKE,
        /** A node took the run over after its lease expired: {@code node} is the node that continues it. */
        RECOVERED,
        /** The run's lease expired while a node held it: {@code node} is the node that held it. */
        LEASE_LOST,
        /** flowstate:cancel stopped the run: {@code actor}, {@code reason}. */
        CANCELLED,
        /** The run was run again from a step: {@code step}, {@code actor}. */
        RESTARTED,
        /** The run ended with an unhandled exception: {@code error}. */
        FAILED,
        /** The run ended normally. */
        COMPLETED
    }

    private final ObjectNode json;

    private HistoryEvent(ObjectNode json) {
        this.json = json;
    }

    /** Starts an event of {@code type} that happened at {@code at}. */
    public static Builder of(Type type, Instant at) {
        return new Builder(Objects.requireNonNull(type, "type"), Objects.requireNonNull(at, "at"));
    }

    /**
     * An event as stored, checked: an object with a known {@code type} and an ISO-8601 {@code at}.
     *
     * @throws FlowSnapshotFormatException naming {@code what} when it is not
     */
    static HistoryEvent fromJson(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw new FlowSnapshotFormatException(what + ": a history event is not a JSON object");
        }
        JsonNode type = node.get("type");
        JsonNode at = node.get("at");
        try {
            Type.valueOf(type == null ? "" : type.asText());
            Instant.parse(at == null ? "" : at.asText());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new FlowSnapshotFormatException(what + ": a history event has no valid type or at: " + node.get("type"),
                    e);
        }
        return new HistoryEvent(((ObjectNode) node).deepCopy());
    }

    public Type type() {
        return Type.valueOf(json.get("type").asText());
    }

    public Instant at() {
        return Instant.parse(json.get("at").asText());
    }

    /** The event as stored; do not mutate it. */
    public ObjectNode json() {
        return json;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HistoryEvent other && json.equals(other.json);
    }

    @Override
    public int hashCode() {
        return json.hashCode();
    }

    /** Type and time only: actors and reasons may be personal data. */
    @Override
    public String toString() {
        return "HistoryEvent[" + json.get("type").asText() + " at " + json.get("at").asText() + "]";
    }

    /** Collects the fields of one event; a null value leaves the field out. */
    public static final class Builder {
        private final ObjectNode json = JsonNodeFactory.instance.objectNode();

        private Builder(Type type, Instant at) {
            json.put("type", type.name());
            json.put("at", FlowSnapshot.micros(at).toString());
        }

        /** The step key (with its iteration index inside a split or loop). */
        public Builder step(String step) {
            return text("step", step, MAX_TEXT_LENGTH);
        }

        /** The suspend or sleep name. */
        public Builder name(String name) {
            return text("name", name, MAX_TEXT_LENGTH);
        }

        /** Who acted (header CamelFlowStateActor). */
        public Builder actor(String actor) {
            return text("actor", actor, MAX_TEXT_LENGTH);
        }

        /** The node (lease owner) concerned. */
        public Builder node(String node) {
            return text("node", node, MAX_TEXT_LENGTH);
        }

        public Builder reason(String reason) {
            return text("reason", reason, MAX_TEXT_LENGTH);
        }

        /** The error text of a failure. */
        public Builder error(String error) {
            return text("error", error, FlowSnapshot.MAX_FAILURE_LENGTH);
        }

        /** The run's attempt: 1 for its first, +1 per restart. */
        public Builder attempt(int attempt) {
            json.put("attempt", attempt);
            return this;
        }

        public Builder durationMs(long durationMs) {
            json.put("durationMs", durationMs);
            return this;
        }

        /** A suspend's timeout, as an ISO-8601 duration. */
        public Builder timeout(Duration timeout) {
            if (timeout != null) {
                json.put("timeout", timeout.toString());
            }
            return this;
        }

        /** When a sleep ends. */
        public Builder wakeAt(Instant wakeAt) {
            if (wakeAt != null) {
                json.put("wakeAt", FlowSnapshot.micros(wakeAt).toString());
            }
            return this;
        }

        private Builder text(String field, String value, int max) {
            if (value != null) {
                json.put(field, value.length() <= max ? value : value.substring(0, max - 3) + "...");
            }
            return this;
        }

        public HistoryEvent build() {
            return new HistoryEvent(json.deepCopy());
        }
    }
}
