package io.flowstate.camel.dsl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.VersionedValue;
import org.apache.camel.support.service.ServiceSupport;

/**
 * A minimal repository for the Camel Main tests: what matters there is which instance the component uses, so it keeps
 * the persistent values in a plain map (compare-and-set under one lock) that a test can read back.
 */
public class RecordingFlowSnapshotRepository extends ServiceSupport implements FlowSnapshotRepository {

    private final Map<String, VersionedValue> values = new LinkedHashMap<>();

    @Override
    public synchronized Optional<VersionedValue> getValue(String namespace, String key) {
        return Optional.ofNullable(values.get(namespace + "/" + key));
    }

    @Override
    public synchronized long putValue(String namespace, String key, JsonNode value, long expectedVersion) {
        VersionedValue current = values.get(namespace + "/" + key);
        long stored = current == null ? 0 : current.version();
        if (stored != expectedVersion) {
            throw new FlowSnapshotConflictException("version " + stored + ", expected " + expectedVersion);
        }
        values.put(namespace + "/" + key, new VersionedValue(value.deepCopy(), stored + 1));
        return stored + 1;
    }

    @Override
    public synchronized void deleteValue(String namespace, String key, long expectedVersion) {
        VersionedValue current = values.get(namespace + "/" + key);
        if (current == null || current.version() != expectedVersion) {
            throw new FlowSnapshotConflictException("not at version " + expectedVersion);
        }
        values.remove(namespace + "/" + key);
    }

    @Override
    public synchronized Map<String, VersionedValue> getValues(String namespace) {
        Map<String, VersionedValue> found = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(namespace + "/")) {
                found.put(k.substring(namespace.length() + 1), v);
            }
        });
        return found;
    }
}
