package io.flowstate.camel.snapshot;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A value of the {@code persistent} (or {@code global}) scope as stored in a repository, with the version a
 * compare-and-set must present to replace or delete it.
 *
 * @param value   the stored JSON value, never null (a JSON null is {@code NullNode}); callers must not mutate it
 * @param version the stored version, to present on the next write or delete; a value's first version is not 1 (see
 *                {@link ValueVersions})
 */
public record VersionedValue(JsonNode value, long version) {
}
