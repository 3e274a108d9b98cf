package io.flowstate.camel.snapshot;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A value of the {@code persistent} (or {@code global}) scope as stored in a repository, with the version a
 * compare-and-set must present to replace or delete it.
 *
 * @param value     the stored JSON value, never null (a JSON null is {@code NullNode}); callers must not mutate it
 * @param version   the stored version, to present on the next write or delete; a value's first version is not 1 (see
 *                  {@link ValueVersions})
 * @param expiresAt when the value stops counting as present, null when it never does (see
 *                  {@link FlowSnapshotRepository#putValue(String, String, JsonNode, long, Instant)})
 */
public record VersionedValue(JsonNode value, long version, Instant expiresAt) {

    /** A value that never expires. */
    public VersionedValue(JsonNode value, long version) {
        this(value, version, null);
    }

    /** Whether the value has expired at {@code now}: it reads as absent, and a write presents its version to replace it. */
    public boolean isExpired(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }
}
