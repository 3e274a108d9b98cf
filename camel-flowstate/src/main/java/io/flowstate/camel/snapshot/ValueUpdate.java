package io.flowstate.camel.snapshot;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * What {@link FlowSnapshotRepository#updateValue} stores in place of a value: the new value and its expiry.
 *
 * @param value     the value to store; null stores a JSON null ({@code NullNode})
 * @param expiresAt when the value stops counting as present, null when it never does
 */
public record ValueUpdate(JsonNode value, Instant expiresAt) {

    public ValueUpdate {
        value = value == null ? NullNode.instance : value;
    }
}
