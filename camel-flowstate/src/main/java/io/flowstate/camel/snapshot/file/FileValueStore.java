package io.flowstate.camel.snapshot.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotFormatException;
import io.flowstate.camel.snapshot.RepositoryChecks;
import io.flowstate.camel.snapshot.ValueUpdate;
import io.flowstate.camel.snapshot.ValueVersions;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.support.Identifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persistent values as files: {@code <namespace>/<key>.json} under the values directory (a path key
 * {@code team/crm/config} becomes sub-folders), each holding {@code {"version": n, "value": ...}} (n as given by
 * {@link ValueVersions}), plus {@code "expiresAt"} (an ISO-8601 instant) for a value that expires. A write is a
 * compare-and-set (or an update's read and compute) under a per-key lock followed by a durable replace; reads take no
 * lock (a replace is atomic).
 */
final class FileValueStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileValueStore.class);
    private static final String SUFFIX = ".json";

    private final Path root;
    private final FlowSnapshotCodec codec;
    private final ReentrantLock[] locks;

    FileValueStore(Path root, FlowSnapshotCodec codec, int stripes) {
        this.root = root;
        this.codec = codec;
        this.locks = new ReentrantLock[stripes];
        for (int i = 0; i < stripes; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /**
     * Deletes the temp files of replaces a crash cut short (their value files still hold the old content); called at
     * start, before any write. Only files of the replace's own naming whose value file name is a valid key segment.
     */
    void removeLeftoverTemps() throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        List<Path> temps;
        try (Stream<Path> all = Files.walk(root)) {
            temps = all.filter(FileValueStore::isValueTemp).toList();
        }
        for (Path temp : temps) {
            Files.deleteIfExists(temp);
        }
    }

    private static boolean isValueTemp(Path file) {
        Path target = DurableFiles.targetOfTemp(file);
        if (target == null || !Files.isRegularFile(file)) {
            return false;
        }
        String name = target.getFileName().toString();
        return name.endsWith(SUFFIX) && Identifiers.isName(name.substring(0, name.length() - SUFFIX.length()));
    }

    Optional<VersionedValue> get(String namespace, String key) {
        return read(namespace, key, file(namespace, key));
    }

    long put(String namespace, String key, JsonNode value, long expectedVersion, Instant expiresAt) {
        Path file = file(namespace, key);
        long next = ValueVersions.next(expectedVersion); // a key created again does not restart at 1 (ABA)
        byte[] data = encode(namespace, key, next, value, expiresAt);
        ReentrantLock lock = lockOf(namespace, key);
        lock.lock();
        try {
            long stored = read(namespace, key, file).map(VersionedValue::version).orElse(0L);
            if (stored != expectedVersion) {
                throw RepositoryChecks.valueConflict(namespace, key, expectedVersion, stored == 0 ? null : stored);
            }
            write(namespace, key, file, data);
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** Read, compute and replace under the key's lock: concurrent updates of one key wait their turn. */
    VersionedValue update(String namespace, String key, Function<Optional<VersionedValue>, ValueUpdate> change) {
        Path file = file(namespace, key);
        ReentrantLock lock = lockOf(namespace, key);
        lock.lock();
        try {
            Optional<VersionedValue> stored = read(namespace, key, file);
            ValueUpdate next = change.apply(stored);
            long version = ValueVersions.next(stored.map(VersionedValue::version).orElse(0L));
            write(namespace, key, file, encode(namespace, key, version, next.value(), next.expiresAt()));
            return new VersionedValue(next.value(), version, next.expiresAt());
        } finally {
            lock.unlock();
        }
    }

    private byte[] encode(String namespace, String key, long version, JsonNode value, Instant expiresAt) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("version", version);
        doc.set("value", value == null ? NullNode.instance : value);
        if (expiresAt != null) {
            doc.put("expiresAt", expiresAt.toString());
        }
        return codec.encodeValue("persistent value " + namespace + "/" + key, doc);
    }

    /** A durable replace of the key's file; the caller holds the key's lock. */
    private static void write(String namespace, String key, Path file, byte[] data) {
        try {
            DurableFiles.createDirectories(file.getParent());
            DurableFiles.replace(file, data);
        } catch (IOException e) {
            throw new FlowStateException("Could not store persistent value " + namespace + "/" + key + " in " + file
                                         + ": " + e.getMessage() + ". The value was not changed", e);
        }
    }

    void delete(String namespace, String key, long expectedVersion) {
        Path file = file(namespace, key);
        ReentrantLock lock = lockOf(namespace, key);
        lock.lock();
        try {
            Optional<VersionedValue> stored = read(namespace, key, file);
            if (stored.isEmpty() || stored.get().version() != expectedVersion) {
                throw RepositoryChecks.valueConflict(namespace, key, expectedVersion,
                        stored.map(VersionedValue::version).orElse(null));
            }
            DurableFiles.delete(file);
        } catch (IOException e) {
            throw new FlowStateException("Could not delete persistent value " + namespace + "/" + key + " in " + file
                                         + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    Map<String, VersionedValue> getAll(String namespace) {
        Map<String, VersionedValue> values = new TreeMap<>();
        for (String key : keys(namespace)) {
            get(namespace, key).ifPresent(v -> values.put(key, v));
        }
        return values;
    }

    int deleteAll(String namespace) {
        int removed = 0;
        for (String key : keys(namespace)) {
            ReentrantLock lock = lockOf(namespace, key);
            lock.lock();
            try {
                if (DurableFiles.delete(file(namespace, key))) {
                    removed++;
                }
            } catch (IOException e) {
                throw new FlowStateException("Could not delete persistent value " + namespace + "/" + key + ": "
                                             + e.getMessage() + ". " + removed + " values were deleted before", e);
            } finally {
                lock.unlock();
            }
        }
        return removed;
    }

    /** Removes the values of every namespace expired at {@code now}, each tested again under its key's lock. */
    int purgeExpired(Instant now) {
        int removed = 0;
        for (String namespace : namespaces()) {
            for (String key : keys(namespace)) {
                ReentrantLock lock = lockOf(namespace, key);
                lock.lock();
                try {
                    Path file = file(namespace, key);
                    if (read(namespace, key, file).filter(v -> v.isExpired(now)).isPresent() && DurableFiles.delete(file)) {
                        removed++;
                    }
                } catch (IOException e) {
                    throw new FlowStateException("Could not delete expired persistent value " + namespace + "/" + key
                                                 + ": " + e.getMessage() + ". " + removed + " values were deleted before", e);
                } finally {
                    lock.unlock();
                }
            }
        }
        return removed;
    }

    private List<String> namespaces() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).filter(Identifiers::isName)
                    .toList();
        } catch (IOException e) {
            throw new FlowStateException("Could not list the persistent values in " + root + ": " + e.getMessage(), e);
        }
    }

    private List<String> keys(String namespace) {
        Path dir = root.resolve(RepositoryChecks.namespace(namespace));
        List<String> keys = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return keys;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || !name.endsWith(SUFFIX)) {
                    return; // temp file of a replace cut short
                }
                String rel = dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
                String key = rel.substring(0, rel.length() - SUFFIX.length());
                try {
                    keys.add(RepositoryChecks.valueKey(key));
                } catch (RuntimeException e) {
                    LOG.warn("Ignoring file {} in the persistent values of {}: its name is not a valid key", f, namespace);
                }
            });
        } catch (IOException e) {
            throw new FlowStateException("Could not list the persistent values of " + namespace + " in " + dir + ": "
                                         + e.getMessage(), e);
        }
        return keys;
    }

    private Optional<VersionedValue> read(String namespace, String key, Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new FlowStateException("Could not read persistent value " + namespace + "/" + key + " from " + file
                                         + ": " + e.getMessage(), e);
        }
        String what = "The persistent value " + namespace + "/" + key + " in " + file;
        ObjectNode doc = codec.decodeObject(data, what);
        JsonNode version = doc.get("version");
        JsonNode value = doc.get("value");
        if (version == null || !version.canConvertToLong() || version.longValue() < 1 || value == null) {
            throw new FlowSnapshotFormatException(what + " has no valid version or value: the file is corrupt");
        }
        return Optional.of(new VersionedValue(value, version.longValue(), expiresAt(doc.get("expiresAt"), what)));
    }

    private static Instant expiresAt(JsonNode text, String what) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text.asText());
        } catch (DateTimeParseException e) {
            throw new FlowSnapshotFormatException(what + " has an expiresAt that is not an ISO-8601 instant: '"
                                                  + text.asText() + "'. The file is corrupt", e);
        }
    }

    private Path file(String namespace, String key) {
        RepositoryChecks.namespace(namespace);
        RepositoryChecks.valueKey(key);
        Path file = root.resolve(namespace);
        for (String segment : key.split("/")) {
            if (!Identifiers.isName(segment)) {
                throw new IllegalStateException("unreachable: key validated");
            }
            file = file.resolve(segment);
        }
        return file.resolveSibling(file.getFileName() + SUFFIX);
    }

    private ReentrantLock lockOf(String namespace, String key) {
        int h = (namespace.hashCode() * 31 + key.hashCode()) & 0x7fffffff;
        return locks[h % locks.length];
    }
}
