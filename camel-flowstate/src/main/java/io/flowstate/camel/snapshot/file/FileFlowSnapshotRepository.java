package io.flowstate.camel.snapshot.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.zip.CRC32;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotCodec.StoredDelta;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotFormatException;
import io.flowstate.camel.snapshot.FlowSnapshotPage;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.RepositoryChecks;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.support.Identifiers;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.Configurer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default repository: runs and persistent values as files under {@code dataDirectory}.
 *
 * <pre>
 * dataDirectory/
 *   .lock                          held while the repository runs (one process per directory)
 *   runs/&lt;shard&gt;/X.json            run X: its last full snapshot
 *   runs/&lt;shard&gt;/X.log             run X: deltas saved since, one line each
 *   values/&lt;namespace&gt;/&lt;key&gt;.json  persistent values ({"version": n, "value": ...})
 * </pre>
 * The shard is two hex digits of a CRC32 of the execution id, so no folder holds more than 1/256 of the runs.
 * <p>
 * Durability: a full save replaces {@code X.json} (temp file, fsync, atomic move, fsync of the folder); a delta is one
 * appended line then fsync. A crash leaves the old or the new version, never a torn one: a last log line cut short is
 * ignored. An fsync error fails the call. Deltas carry their version, so lines a compaction already folded in are
 * skipped. Compaction rewrites {@code X.json} and empties the log once the log holds {@code compactAfterDeltas}
 * deltas, or more bytes than both {@code compactAfterBytes} and the snapshot itself: the bytes written per checkpoint
 * stay proportional to what changed (at most about twice, amortised), and a load reads at most about twice the
 * snapshot.
 * <p>
 * Single node: each run's files are guarded by locks in this JVM and an index of runs kept in memory (built at start
 * by reading every run, so finds read no file). Sharing a data directory between processes or nodes is not supported
 * and refused at start (a lock file); use the JDBC repository for that. On case-insensitive file systems, ids that
 * differ only in case would share files: use ids of one case there.
 */
@Metadata(label = "bean",
          description = "Flow snapshot repository that keeps runs and persistent values as files in a data directory"
                        + " (the default). One process per directory.",
          annotations = { "interfaceName=io.flowstate.camel.snapshot.FlowSnapshotRepository" })
@Configurer(metadataOnly = true)
@ManagedResource(description = "File flow snapshot repository")
public class FileFlowSnapshotRepository extends ServiceSupport implements FlowSnapshotRepository {

    private static final Logger LOG = LoggerFactory.getLogger(FileFlowSnapshotRepository.class);
    private static final int STRIPES = 256;

    @Metadata(description = "The directory holding runs and persistent values; relative paths are resolved against"
                            + " the working directory.",
              defaultValue = "flowstate-data")
    private String dataDirectory = "flowstate-data";
    @Metadata(description = "Compact a run (rewrite its snapshot file and empty its delta log) once its log holds this"
                            + " many deltas.",
              defaultValue = "1000")
    private int compactAfterDeltas = 1000;
    @Metadata(description = "Compact a run once its delta log is larger than this and than its snapshot file. The unit"
                            + " is bytes.",
              defaultValue = "65536")
    private long compactAfterBytes = 64 * 1024;
    @Metadata(description = "The largest snapshot, delta or value stored; larger ones fail with a clear error and"
                            + " nothing is stored. The unit is bytes.",
              defaultValue = "16777216")
    private int maxSnapshotSize = FlowSnapshotCodec.DEFAULT_MAX_SNAPSHOT_SIZE;

    private final ReentrantLock[] runLocks = new ReentrantLock[STRIPES];
    private final ConcurrentMap<String, RunEntry> index = new ConcurrentHashMap<>();
    private Path root;
    private Path runsDir;
    private FlowSnapshotCodec codec;
    private FileValueStore values;
    private FileChannel lockChannel;
    private FileLock lock;

    /** What the index knows of a stored run; replaced whole (under the run's lock) on every change. */
    private record RunEntry(FlowSnapshotSummary summary, long logLength, int deltaCount, long snapshotBytes) {
    }

    public FileFlowSnapshotRepository() {
        for (int i = 0; i < STRIPES; i++) {
            runLocks[i] = new ReentrantLock();
        }
    }

    public FileFlowSnapshotRepository(String dataDirectory) {
        this();
        setDataDirectory(dataDirectory);
    }

    // ---------------------------------------------------------------- options

    @ManagedAttribute(description = "The data directory")
    public String getDataDirectory() {
        return dataDirectory;
    }

    /**
     * The directory holding runs and persistent values; relative paths are resolved against the working directory.
     */
    public void setDataDirectory(String dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    public int getCompactAfterDeltas() {
        return compactAfterDeltas;
    }

    /** Compact a run once its delta log holds this many deltas. */
    public void setCompactAfterDeltas(int compactAfterDeltas) {
        this.compactAfterDeltas = compactAfterDeltas;
    }

    public long getCompactAfterBytes() {
        return compactAfterBytes;
    }

    /** Compact a run once its delta log is larger than this (in bytes) and than its snapshot file. */
    public void setCompactAfterBytes(long compactAfterBytes) {
        this.compactAfterBytes = compactAfterBytes;
    }

    public int getMaxSnapshotSize() {
        return maxSnapshotSize;
    }

    /** The largest snapshot, delta or value stored, in bytes. */
    public void setMaxSnapshotSize(int maxSnapshotSize) {
        this.maxSnapshotSize = maxSnapshotSize;
    }

    @ManagedAttribute(description = "Number of runs in the index")
    public int getRunCount() {
        return index.size();
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    protected void doStart() throws Exception {
        if (dataDirectory == null || dataDirectory.isBlank()) {
            throw new IllegalArgumentException("dataDirectory must be set");
        }
        if (compactAfterDeltas < 1) {
            throw new IllegalArgumentException("compactAfterDeltas must be at least 1, not " + compactAfterDeltas);
        }
        if (compactAfterBytes < 0) {
            throw new IllegalArgumentException("compactAfterBytes must be 0 or more, not " + compactAfterBytes);
        }
        codec = new FlowSnapshotCodec(maxSnapshotSize);
        root = Paths.get(dataDirectory).toAbsolutePath().normalize();
        runsDir = root.resolve("runs");
        DurableFiles.createDirectories(runsDir);
        DurableFiles.createDirectories(root.resolve("values"));
        lockDirectory();
        values = new FileValueStore(root.resolve("values"), codec, STRIPES);
        index.clear();
        scanRuns();
        LOG.info("File flow snapshot repository in {}: {} runs", root, index.size());
    }

    @Override
    protected void doStop() throws Exception {
        index.clear();
        if (lock != null) {
            lock.release();
            lock = null;
        }
        if (lockChannel != null) {
            lockChannel.close();
            lockChannel = null;
        }
    }

    private void lockDirectory() throws IOException {
        Path lockFile = root.resolve(".lock");
        lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            lockChannel = null;
            throw new FlowStateException("The flowstate data directory " + root + " is in use by another repository"
                                         + " (this or another process). A file repository cannot be shared: give each"
                                         + " process its own dataDirectory, or use the JDBC repository to share runs"
                                         + " between nodes");
        }
    }

    /** Builds the index from the files; unreadable runs are reported and left out (load still names the problem). */
    private void scanRuns() throws IOException {
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(runsDir)) {
            for (Path shard : shards) {
                if (!Files.isDirectory(shard)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
                    for (Path file : files) {
                        scanFile(shard, file);
                    }
                }
            }
        }
    }

    private void scanFile(Path shard, Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(".tmp")) {
            Files.deleteIfExists(file); // a replace cut short: the target still holds the old content
            return;
        }
        if (name.endsWith(".log")) {
            Path json = file.resolveSibling(name.substring(0, name.length() - 4) + ".json");
            if (!Files.exists(json)) {
                DurableFiles.delete(file); // left by a delete cut short
            }
            return;
        }
        if (!name.endsWith(".json")) {
            return;
        }
        String id = name.substring(0, name.length() - 5);
        if (!Identifiers.isName(id) || !shardOf(id).equals(shard.getFileName().toString())) {
            LOG.warn("Ignoring {}: not a run file of this repository (bad id or wrong folder)", file);
            return;
        }
        try {
            Loaded loaded = read(id);
            if (loaded != null) {
                index.put(id, loaded.entry);
            }
        } catch (FlowStateException e) {
            LOG.warn("Run {} is left out of finds and recovery until repaired: {}", id, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- runs

    @Override
    public long save(FlowSnapshot snapshot, long expectedVersion) {
        RepositoryChecks.snapshot(snapshot);
        RepositoryChecks.expectedVersion(expectedVersion);
        String id = RepositoryChecks.executionId(snapshot.executionId());
        ReentrantLock lock = lockOf(id);
        lock.lock();
        try {
            RunEntry entry = current(id);
            checkVersion(id, entry, expectedVersion, true);
            long version = expectedVersion + 1;
            byte[] data = codec.encode(snapshot, version);
            Path json = jsonFile(id);
            Path log = logFile(id);
            try {
                if (expectedVersion == 0) {
                    // a log left by a deleted run with the same id must be gone before the new run exists
                    DurableFiles.delete(log);
                }
                DurableFiles.createDirectories(json.getParent());
                DurableFiles.replace(json, data);
            } catch (IOException e) {
                throw writeFailed(id, json, e);
            }
            truncateLog(id, log);
            index.put(id, new RunEntry(FlowSnapshotSummary.of(snapshot.withVersion(version)), 0, 0, data.length));
            return version;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long saveDelta(String executionId, FlowSnapshotDelta delta, long expectedVersion) {
        String id = RepositoryChecks.executionId(executionId);
        RepositoryChecks.expectedVersion(expectedVersion);
        ReentrantLock lock = lockOf(id);
        lock.lock();
        try {
            RunEntry entry = current(id);
            checkVersion(id, entry, expectedVersion, false);
            long version = expectedVersion + 1;
            byte[] line = DeltaLog.line(codec.encodeDelta(id, delta, version));
            Path log = logFile(id);
            try {
                if (DurableFiles.append(log, entry.logLength, line)) {
                    DurableFiles.syncDirectory(log.getParent());
                }
            } catch (IOException e) {
                undoAppend(id, log, entry);
                throw writeFailed(id, log, e);
            }
            RunEntry next = new RunEntry(entry.summary.apply(delta, version), entry.logLength + line.length,
                    entry.deltaCount + 1, entry.snapshotBytes);
            index.put(id, next);
            if (next.deltaCount >= compactAfterDeltas
                    || next.logLength > Math.max(compactAfterBytes, next.snapshotBytes)) {
                compact(id);
            }
            return version;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<FlowSnapshot> load(String executionId) {
        String id = RepositoryChecks.executionId(executionId);
        ReentrantLock lock = lockOf(id);
        lock.lock();
        try {
            Loaded loaded = read(id);
            if (loaded == null) {
                index.remove(id);
                return Optional.empty();
            }
            index.put(id, loaded.entry);
            return Optional.of(loaded.snapshot);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delete(String executionId, long expectedVersion) {
        String id = RepositoryChecks.executionId(executionId);
        ReentrantLock lock = lockOf(id);
        lock.lock();
        try {
            RunEntry entry = current(id);
            if (entry == null || entry.summary.version() != expectedVersion) {
                throw RepositoryChecks.runConflict(id, expectedVersion, entry == null ? null : entry.summary.version());
            }
            remove(id);
        } finally {
            lock.unlock();
        }
    }

    /** Deletes a run's files: the snapshot first (the run is gone from then on), then its log. */
    private void remove(String id) {
        Path json = jsonFile(id);
        try {
            DurableFiles.delete(json);
        } catch (IOException e) {
            throw new FlowStateException("Could not delete run " + id + " (" + json + "): " + e.getMessage()
                                         + ". The run is unchanged", e);
        }
        index.remove(id);
        try {
            DurableFiles.delete(logFile(id));
        } catch (IOException e) {
            LOG.warn("Run {} is deleted but its delta log could not be removed ({}); it is removed at the next start",
                    id, e.getMessage());
        }
    }

    @Override
    public FlowSnapshotPage find(FlowSnapshotQuery query) {
        return RepositoryChecks.page(summaries(query::matches, RepositoryChecks.CREATION_ORDER), query);
    }

    @Override
    public List<FlowSnapshotSummary> findExpiredLeases(Instant now, int limit) {
        RepositoryChecks.limit(limit);
        return RepositoryChecks.first(summaries(s -> s.leaseExpired(now), RepositoryChecks.LEASE_ORDER), limit);
    }

    @Override
    public List<FlowSnapshotSummary> findDue(Instant now, int limit) {
        RepositoryChecks.limit(limit);
        return RepositoryChecks.first(summaries(s -> s.due(now), RepositoryChecks.WAKE_ORDER), limit);
    }

    @Override
    public int purgeFinished(Instant finishedBefore) {
        return removeIfUnchanged(summaries(s -> s.status().isFinished() && s.updatedAt().isBefore(finishedBefore),
                RepositoryChecks.CREATION_ORDER));
    }

    @Override
    public int purgeFinishedBeyond(int maxFinishedRuns) {
        if (maxFinishedRuns < 0) {
            throw new IllegalArgumentException("maxFinishedRuns must be 0 or more, not " + maxFinishedRuns);
        }
        List<FlowSnapshotSummary> finished = summaries(s -> s.status().isFinished(),
                Comparator.comparing(FlowSnapshotSummary::updatedAt).reversed()
                        .thenComparing(FlowSnapshotSummary::executionId));
        return finished.size() <= maxFinishedRuns ? 0
                : removeIfUnchanged(finished.subList(maxFinishedRuns, finished.size()));
    }

    private int removeIfUnchanged(List<FlowSnapshotSummary> candidates) {
        int removed = 0;
        for (FlowSnapshotSummary s : candidates) {
            ReentrantLock lock = lockOf(s.executionId());
            lock.lock();
            try {
                RunEntry entry = index.get(s.executionId());
                if (entry != null && entry.summary.version() == s.version()) {
                    remove(s.executionId());
                    removed++;
                }
            } finally {
                lock.unlock();
            }
        }
        return removed;
    }

    private List<FlowSnapshotSummary> summaries(Predicate<FlowSnapshotSummary> filter, Comparator<FlowSnapshotSummary> order) {
        List<FlowSnapshotSummary> list = new ArrayList<>();
        for (RunEntry e : index.values()) {
            if (filter.test(e.summary)) {
                list.add(e.summary);
            }
        }
        list.sort(order);
        return list;
    }

    // ---------------------------------------------------------------- persistent values

    @Override
    public Optional<VersionedValue> getValue(String namespace, String key) {
        return values().get(namespace, key);
    }

    @Override
    public long putValue(String namespace, String key, JsonNode value, long expectedVersion) {
        RepositoryChecks.expectedVersion(expectedVersion);
        return values().put(namespace, key, value, expectedVersion);
    }

    @Override
    public void deleteValue(String namespace, String key, long expectedVersion) {
        values().delete(namespace, key, expectedVersion);
    }

    @Override
    public Map<String, VersionedValue> getValues(String namespace) {
        return values().getAll(namespace);
    }

    @Override
    public int deleteValues(String namespace) {
        return values().deleteAll(namespace);
    }

    private FileValueStore values() {
        if (values == null) {
            throw new IllegalStateException("The file flow snapshot repository is not started");
        }
        return values;
    }

    // ---------------------------------------------------------------- internals (callers hold the run's lock)

    private record Loaded(FlowSnapshot snapshot, RunEntry entry) {
    }

    /** The index entry, read from the files when the index does not know the run (it may be unreadable: throws). */
    private RunEntry current(String id) {
        if (codec == null) {
            throw new IllegalStateException("The file flow snapshot repository is not started");
        }
        RunEntry entry = index.get(id);
        if (entry == null && Files.exists(jsonFile(id))) {
            Loaded loaded = read(id);
            if (loaded != null) {
                entry = loaded.entry;
                index.put(id, entry);
            }
        }
        return entry;
    }

    private static void checkVersion(String id, RunEntry entry, long expected, boolean newAllowed) {
        long stored = entry == null ? 0 : entry.summary.version();
        if (stored != expected || !newAllowed && entry == null) {
            throw RepositoryChecks.runConflict(id, expected, entry == null ? null : stored);
        }
    }

    /** Reads a run's snapshot and log and folds them; null when the run has no snapshot file. */
    private Loaded read(String id) {
        if (codec == null) {
            throw new IllegalStateException("The file flow snapshot repository is not started");
        }
        Path json = jsonFile(id);
        byte[] data;
        try {
            data = Files.readAllBytes(json);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new FlowStateException("Could not read run " + id + " from " + json + ": " + e.getMessage(), e);
        }
        FlowSnapshot base = codec.decode(data, id, json.toString());
        Path log = logFile(id);
        DeltaLog.Content content;
        try {
            content = DeltaLog.parse(Files.readAllBytes(log), id, log.toString(), codec);
        } catch (NoSuchFileException e) {
            content = new DeltaLog.Content(List.of(), 0);
        } catch (IOException e) {
            throw new FlowStateException("Could not read the delta log of run " + id + " from " + log + ": "
                                         + e.getMessage(), e);
        }
        List<FlowSnapshotDelta> deltas = new ArrayList<>();
        long version = base.version();
        for (StoredDelta d : content.deltas()) {
            if (d.version() <= base.version()) {
                continue; // already folded into the snapshot by a compaction
            }
            if (d.version() != version + 1) {
                throw new FlowSnapshotFormatException("The delta log of run " + id + " in " + log + " jumps from version "
                                                      + version + " to " + d.version()
                                                      + ": the files are corrupt. Other runs are not affected");
            }
            deltas.add(d.delta());
            version = d.version();
        }
        FlowSnapshot merged = FlowSnapshotDelta.merge(base, deltas, version, false);
        return new Loaded(merged, new RunEntry(FlowSnapshotSummary.of(merged), content.validLength(), deltas.size(),
                data.length));
    }

    /** Folds the log into a new snapshot file and empties the log; a failure leaves the run as it was (logged). */
    private void compact(String id) {
        Path json = jsonFile(id);
        try {
            Loaded loaded = read(id);
            if (loaded == null) {
                return;
            }
            byte[] data = codec.encode(loaded.snapshot, loaded.snapshot.version());
            DurableFiles.replace(json, data);
            index.put(id, new RunEntry(loaded.entry.summary, 0, 0, data.length));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not compact run {} ({}): its delta log keeps growing until a compaction succeeds", id,
                    e.getMessage());
            return;
        }
        truncateLog(id, logFile(id));
    }

    /**
     * Empties a log whose lines the snapshot file already holds. Best effort: stale lines are skipped on load (their
     * version is not above the snapshot's), and the next append cuts the file at the length the index knows.
     */
    private void truncateLog(String id, Path log) {
        try {
            DurableFiles.truncate(log, 0);
        } catch (IOException e) {
            LOG.warn("Could not empty the delta log {} of run {} ({}); its old lines are skipped", log, id,
                    e.getMessage());
        }
    }

    /** After a failed append: cut the log back so the line never counts; if even that fails, forget the index entry. */
    private void undoAppend(String id, Path log, RunEntry entry) {
        try {
            DurableFiles.truncate(log, entry.logLength);
        } catch (IOException e) {
            LOG.warn("Could not cut the delta log {} of run {} back after a failed write ({})", log, id, e.getMessage());
            index.remove(id);
        }
    }

    private FlowStateException writeFailed(String id, Path file, IOException e) {
        return new FlowStateException("Could not durably write run " + id + " to " + file + ": " + e.getMessage()
                                      + ". The checkpoint was not saved", e);
    }

    private Path jsonFile(String id) {
        return runsDir.resolve(shardOf(id)).resolve(id + ".json");
    }

    private Path logFile(String id) {
        return runsDir.resolve(shardOf(id)).resolve(id + ".log");
    }

    static String shardOf(String id) {
        CRC32 crc = new CRC32();
        crc.update(id.getBytes(StandardCharsets.UTF_8));
        return String.format("%02x", crc.getValue() & 0xff);
    }

    private ReentrantLock lockOf(String id) {
        return runLocks[(id.hashCode() & 0x7fffffff) % STRIPES];
    }

    /** The folder of run {@code executionId}'s files (for tests and operators). */
    public Path runDirectory(String executionId) {
        return runsDir.resolve(shardOf(RepositoryChecks.executionId(executionId)));
    }
}
