package io.flowstate.camel.dsl;

import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.VersionedValue;

/**
 * A minimal repository for the configuration tests: what matters there is which instance the component uses, so it
 * keeps only the persistent values (compare-and-set under one lock) that a test reads back through the SPI. Made as a
 * proxy so that it keeps compiling while the SPI grows; methods other than the persistent key/value ones and the
 * service lifecycle fail.
 */
public final class RecordingFlowSnapshotRepository {

    private final Map<String, VersionedValue> values = new LinkedHashMap<>();

    private RecordingFlowSnapshotRepository() {
    }

    /** A new, empty repository; also usable from properties: {@code #class:...RecordingFlowSnapshotRepository#create}. */
    public static FlowSnapshotRepository create() {
        RecordingFlowSnapshotRepository store = new RecordingFlowSnapshotRepository();
        return (FlowSnapshotRepository) Proxy.newProxyInstance(
                FlowSnapshotRepository.class.getClassLoader(), new Class<?>[] { FlowSnapshotRepository.class },
                (proxy, method, args) -> switch (method.getName()) {
                    case "getValue" -> store.getValue((String) args[0], (String) args[1]);
                    case "putValue" -> store.putValue((String) args[0], (String) args[1], (JsonNode) args[2],
                            (Long) args[3]);
                    case "deleteValue" -> {
                        store.deleteValue((String) args[0], (String) args[1], (Long) args[2]);
                        yield null;
                    }
                    case "getValues" -> store.getValues((String) args[0]);
                    case "start", "stop", "close", "build", "init" -> null;
                    case "toString" -> "RecordingFlowSnapshotRepository@" + Integer.toHexString(store.hashCode());
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(
                            method.getName() + " is not needed by the configuration tests");
                });
    }

    private synchronized Optional<VersionedValue> getValue(String namespace, String key) {
        return Optional.ofNullable(values.get(namespace + "/" + key));
    }

    private synchronized long putValue(String namespace, String key, JsonNode value, long expectedVersion) {
        VersionedValue current = values.get(namespace + "/" + key);
        long stored = current == null ? 0 : current.version();
        if (stored != expectedVersion) {
            throw new FlowSnapshotConflictException("version " + stored + ", expected " + expectedVersion);
        }
        values.put(namespace + "/" + key, new VersionedValue(value.deepCopy(), stored + 1));
        return stored + 1;
    }

    private synchronized void deleteValue(String namespace, String key, long expectedVersion) {
        VersionedValue current = values.get(namespace + "/" + key);
        if (current == null || current.version() != expectedVersion) {
            throw new FlowSnapshotConflictException("not at version " + expectedVersion);
        }
        values.remove(namespace + "/" + key);
    }

    private synchronized Map<String, VersionedValue> getValues(String namespace) {
        Map<String, VersionedValue> found = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(namespace + "/")) {
                found.put(k.substring(namespace.length() + 1), v);
            }
        });
        return found;
    }
}
