package io.flowstate.camel.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;

/**
 * What {@code append} and {@code increment} accept, and how numbers add, in every scope: the in-memory stores and the
 * repository-backed ones give the same answers and the same messages.
 */
final class StateValueRules {

    private StateValueRules() {
    }

    /**
     * Fails unless {@code current} can take an appended item: absent, JSON null or a list.
     *
     * @param what the key as the message names it, e.g. "state key 'items'"
     */
    static void requireList(String what, String key, JsonNode current, JsonValues json) {
        if (current != null && !current.isArray() && !current.isNull()) {
            throw new StateTypeException("Cannot append to " + what + ": it holds "
                                         + current.getNodeType().name().toLowerCase() + " " + json.shown(key, current)
                                         + ", not a list. Delete the key or append under another key.");
        }
    }

    /** {@code current} (absent or null counts as 0) plus {@code step}; fails unless {@code current} is a number. */
    static JsonNode add(String what, String key, JsonNode current, JsonNode step, JsonValues json) {
        if (current != null && !current.isNull() && !current.isNumber()) {
            throw new StateTypeException("Cannot increment " + what + ": it holds "
                                         + current.getNodeType().name().toLowerCase() + " " + json.shown(key, current)
                                         + ", not a number. Delete the key or set a number first.");
        }
        return LocalStateStore.sum(current == null || current.isNull() ? LongNode.valueOf(0) : current, step);
    }
}
