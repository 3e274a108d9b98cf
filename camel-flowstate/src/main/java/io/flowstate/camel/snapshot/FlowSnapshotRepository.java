package io.flowstate.camel.snapshot;

import java.util.Map;
import java.util.Optional;

import org.apache.camel.Service;

/**
 * Where runs' snapshots and the {@code persistent} scope live. Implementations are thread-safe; every write is a
 * compare-and-set on a stored version, so a repository shared by several Camel nodes (JDBC) never loses an update.
 * <p>
 * Namespaces and keys reach an implementation already validated by the component (see
 * {@code io.flowstate.camel.support.Identifiers}); implementations validate them again before they touch a path or
 * SQL.
 */
public interface FlowSnapshotRepository extends Service {

    // ---------------------------------------------------------------- persistent key/value (compare-and-set)

    /**
     * Reads one value.
     *
     * @param  namespace the owner of the key: the flow id for the {@code persistent} scope
     * @return           the value and its version, empty when the key is absent
     */
    Optional<VersionedValue> getValue(String namespace, String key);

    /**
     * Writes one value if the stored version is still {@code expectedVersion}.
     *
     * @param  expectedVersion               the version last read, {@code 0} when the key must not exist yet
     * @return                               the new version ({@code expectedVersion + 1})
     * @throws FlowSnapshotConflictException when the stored version differs (nothing is changed)
     */
    long putValue(String namespace, String key, com.fasterxml.jackson.databind.JsonNode value, long expectedVersion);

    /**
     * Deletes one value if the stored version is still {@code expectedVersion}.
     *
     * @throws FlowSnapshotConflictException when the key is absent or its stored version differs (nothing is changed)
     */
    void deleteValue(String namespace, String key, long expectedVersion);

    /**
     * All values of a namespace, by key.
     */
    Map<String, VersionedValue> getValues(String namespace);
}
