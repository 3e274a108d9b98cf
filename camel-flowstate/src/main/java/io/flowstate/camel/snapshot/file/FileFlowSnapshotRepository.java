package io.flowstate.camel.snapshot.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import java.util.zip.CRC32;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.execution.FlowStatus;
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
 *   runs/&lt;shard&gt;/X.json            run X while RUNNING or SUSPENDED: its last full snapshot
 *   runs/&lt;shard&gt;/X.log             run X: deltas saved since, one line each
 *   finished/&lt;shard&gt;/X.json        run X once COMPLETED or FAILED: its whole snapshot (no log), with the
 *                                  run's updatedAt (rounded down to 2 s) as the file's modification time
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
 * Finishing: the save or delta that makes a run COMPLETED or FAILED writes its whole snapshot under {@code finished/},
 * then removes its files from {@code runs/} (and the reverse if a finished run is saved active again): two fsyncs, the
 * file and its folder, where a delta costs one. A crash in between leaves the run in both folders: the copy with the
 * higher version is the run and the other is removed when the run is next read (at the latest at start). Finished
 * runs left under {@code runs/} by an earlier version of this repository are moved at start.
 * <p>
 * Memory: only the runs the maintenance looks for every few seconds are indexed in memory: RUNNING runs (expired
 * leases) and SUSPENDED runs with a wake-up time (due runs); the index is built at start by reading {@code runs/}
 * (finished runs' files are not read). Any other run costs no heap: its version is read from its files when it is
 * written. Finds of RUNNING runs use the index; finds of other statuses read the run files of their folder (an
 * operator's query, not a hot path). Purges walk {@code finished/} only and read just the files whose modification
 * time says they may be old enough: keep modification times when copying a data directory ({@code cp -p},
 * {@code rsync -t}), or finished runs copied without them are purged late and the cap may remove others first.
 * <p>
 * Single node: each run's files are guarded by locks in this JVM. Sharing a data directory between processes or nodes
 * is not supported and refused at start (a lock file); use the JDBC repository for that. On case-insensitive file
 * systems, ids that differ only in case would share files: use ids of one case there.
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
    /** The step a finished run's file time is rounded down to (see {@link #finishedTime}). */
    private static final long FINISHED_TIME_ROUNDING_SECONDS = 2;

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
    /** RUNNING runs and SUSPENDED runs with a wake-up time: what findExpiredLeases and findDue look through. */
    private final ConcurrentMap<String, RunEntry> index = new ConcurrentHashMap<>();
    private Path root;
    private Path runsDir;
    private Path finishedDir;
    private FlowSnapshotCodec codec;
    private FileValueStore values;
    private FileChannel lockChannel;
    private FileLock lock;

    /**
     * What is known of a stored run: in the index for indexed runs (replaced whole, under the run's lock, on every
     * change), read from its files for the others.
     *
     * @param finished whether its files are under finished/ (else runs/)
     */
    private record RunEntry(FlowSnapshotSummary summary, long logLength, int deltaCount, long snapshotBytes,
                            boolean finished) {
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

    @ManagedAttribute(description = "Runs kept in memory: RUNNING runs and SUSPENDED runs with a wake-up time (other"
                                    + " runs are read from their files when needed)")
    public int getIndexedRunCount() {
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
        finishedDir = root.resolve("finished");
        DurableFiles.createDirectories(runsDir);
        DurableFiles.createDirectories(finishedDir);
        DurableFiles.createDirectories(root.resolve("values"));
        lockDirectory();
        values = new FileValueStore(root.resolve("values"), codec, STRIPES);
        index.clear();
        int active = scanRuns();
        LOG.info("File flow snapshot repository in {}: {} active runs, {} of them indexed in memory", root, active,
                index.size());
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

    /**
     * Builds the index from {@code runs/} (finished/ is not read); unreadable runs are reported and left out (load
     * still names the problem). Returns the number of active runs found.
     */
    private int scanRuns() throws IOException {
        int active = 0;
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(runsDir)) {
            for (Path shard : shards) {
                if (!Files.isDirectory(shard)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
                    for (Path file : files) {
                        if (scanFile(shard, file)) {
                            active++;
                        }
                    }
                }
            }
        }
        return active;
    }

    /** Whether {@code file} is the snapshot of an active run. */
    private boolean scanFile(Path shard, Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(".tmp")) {
            Files.deleteIfExists(file); // a replace cut short: the target still holds the old content
            return false;
        }
        if (name.endsWith(".log")) {
            Path json = file.resolveSibling(name.substring(0, name.length() - 4) + ".json");
            if (!Files.exists(json)) {
                DurableFiles.delete(file); // left by a delete or a move to finished/ cut short
            }
            return false;
        }
        if (!name.endsWith(".json")) {
            return false;
        }
        String id = name.substring(0, name.length() - 5);
        if (!Identifiers.isName(id) || !shardOf(id).equals(shard.getFileName().toString())) {
            LOG.warn("Ignoring {}: not a run file of this repository (bad id or wrong folder)", file);
            return false;
        }
        Loaded loaded;
        try {
            loaded = read(id);
        } catch (FlowStateException e) {
            LOG.warn("Run {} is left out of finds and recovery until repaired: {}", id, e.getMessage());
            return false;
        }
        if (loaded == null || loaded.entry.finished) {
            return false; // a move to finished/ cut short: read kept the finished copy
        }
        if (loaded.snapshot.status().isFinished()) {
            moveToFinished(id, loaded);
            return false;
        }
        remember(id, loaded.entry);
        return true;
    }

    /** A finished run under runs/ (written by a version of this repository without finished/): moved, same version. */
    private void moveToFinished(String id, Loaded loaded) {
        try {
            writeWhole(id, loaded.entry, loaded.snapshot, codec.encode(loaded.snapshot, loaded.snapshot.version()));
        } catch (FlowStateException e) {
            LOG.warn("Finished run {} stays under runs/ until the next start (finds of finished runs and purges do"
                     + " not see it): it could not be moved to finished/: {}", id, e.getMessage());
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
            writeWhole(id, entry, snapshot.withVersion(version), codec.encode(snapshot, version));
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
            if (entry.finished || entry.summary.apply(delta, version).status().isFinished()) {
                // a finished run is one whole file (its modification time is what purges filter on): fold the delta in
                Loaded loaded = read(id);
                FlowSnapshot merged = FlowSnapshotDelta.merge(loaded.snapshot, List.of(delta), version, false);
                writeWhole(id, loaded.entry, merged, codec.encode(merged, version));
                return version;
            }
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
                    entry.deltaCount + 1, entry.snapshotBytes, false);
            remember(id, next);
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
            remember(id, loaded == null ? null : loaded.entry);
            return loaded == null ? Optional.empty() : Optional.of(loaded.snapshot);
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
            remove(id, entry);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes a run's files: its snapshot in the other folder first (a copy a move cut short left there must not
     * outlive the run), then its snapshot (the run is gone from then on), then its log.
     */
    private void remove(String id, RunEntry entry) {
        for (Path json : List.of(jsonFile(id, !entry.finished), jsonFile(id, entry.finished))) {
            try {
                DurableFiles.delete(json);
            } catch (IOException e) {
                throw new FlowStateException("Could not delete run " + id + " (" + json + "): " + e.getMessage()
                                             + ". The run is unchanged", e);
            }
        }
        index.remove(id);
        try {
            DurableFiles.delete(logFile(id));
        } catch (IOException e) {
            LOG.warn("Run {} is deleted but its delta log could not be removed ({}); it is removed at the next start",
                    id, e.getMessage());
        }
    }

    /**
     * Runs by flow and status, oldest created first. RUNNING runs come from the index; a query for any other status
     * reads the run files of its folder (runs/ for SUSPENDED, finished/ for COMPLETED and FAILED) one by one, keeping
     * no more than a page: it costs a read of every such run, which suits an operator's query, not a hot path.
     */
    @Override
    public FlowSnapshotPage find(FlowSnapshotQuery query) {
        Set<FlowStatus> statuses = query.statuses();
        if (statuses.equals(EnumSet.of(FlowStatus.RUNNING))) {
            return RepositoryChecks.page(summaries(query::matches, RepositoryChecks.CREATION_ORDER), query);
        }
        // the first pageSize + 1 matches tell the page and whether another follows
        PriorityQueue<FlowSnapshotSummary> first = new PriorityQueue<>(RepositoryChecks.CREATION_ORDER.reversed());
        RunFileVisitor keep = (id, file, finished) -> {
            FlowSnapshotSummary s = summaryIn(id, finished);
            if (s != null && query.matches(s)) {
                first.add(s);
                if (first.size() > query.pageSize() + 1) {
                    first.poll();
                }
            }
        };
        if (statuses.contains(FlowStatus.RUNNING) || statuses.contains(FlowStatus.SUSPENDED)) {
            forEachRunFile(false, keep);
        }
        if (statuses.contains(FlowStatus.COMPLETED) || statuses.contains(FlowStatus.FAILED)) {
            forEachRunFile(true, keep);
        }
        List<FlowSnapshotSummary> matches = new ArrayList<>(first);
        matches.sort(RepositoryChecks.CREATION_ORDER);
        return RepositoryChecks.page(matches, query);
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

    /**
     * Walks finished/ and reads only the files modified before {@code finishedBefore}: a file's modification time is
     * its run's updatedAt rounded down, so a file modified later holds no run to remove.
     */
    @Override
    public int purgeFinished(Instant finishedBefore) {
        Objects.requireNonNull(finishedBefore, "finishedBefore");
        AtomicInteger removed = new AtomicInteger();
        forEachRunFile(true, (id, file, finished) -> {
            Instant modified = modified(file);
            if (modified != null && modified.isBefore(finishedBefore)
                    && removeFinished(id, s -> s.updatedAt().isBefore(finishedBefore))) {
                removed.incrementAndGet();
            }
        });
        return removed.get();
    }

    /**
     * Two walks of finished/. The first collects the files' times (no file is read). If there are {@code excess} runs
     * too many: the {@code excess} files with the oldest times were all updated before the {@code excess}-th oldest
     * time plus the rounding, so no run whose file time is from there on is among the {@code excess} oldest. The second
     * walk reads only the runs with an earlier file time and removes the oldest of them by updatedAt.
     */
    @Override
    public int purgeFinishedBeyond(int maxFinishedRuns) {
        if (maxFinishedRuns < 0) {
            throw new IllegalArgumentException("maxFinishedRuns must be 0 or more, not " + maxFinishedRuns);
        }
        LongStream.Builder times = LongStream.builder();
        forEachRunFile(true, (id, file, finished) -> {
            Instant modified = modified(file);
            if (modified != null) {
                times.add(modified.getEpochSecond());
            }
        });
        long[] sorted = times.build().sorted().toArray();
        int excess = sorted.length - maxFinishedRuns;
        if (excess <= 0) {
            return 0;
        }
        Instant bound = Instant.ofEpochSecond(sorted[excess - 1] + FINISHED_TIME_ROUNDING_SECONDS);
        List<FlowSnapshotSummary> candidates = new ArrayList<>();
        forEachRunFile(true, (id, file, finished) -> {
            Instant modified = modified(file);
            FlowSnapshotSummary s = modified != null && modified.isBefore(bound) ? summaryIn(id, true) : null;
            if (s != null && s.status().isFinished()) {
                candidates.add(s);
            }
        });
        candidates.sort(Comparator.comparing(FlowSnapshotSummary::updatedAt).reversed()
                .thenComparing(FlowSnapshotSummary::executionId));
        int removed = 0;
        for (FlowSnapshotSummary s : candidates.subList(Math.max(0, candidates.size() - excess), candidates.size())) {
            if (removeFinished(s.executionId(), stored -> stored.version() == s.version())) {
                removed++;
            }
        }
        return removed;
    }

    /**
     * Removes a run if it is finished and {@code still} holds for it, under its lock. An unreadable run is reported and
     * kept, so that it does not stop the purge of the others.
     */
    private boolean removeFinished(String id, Predicate<FlowSnapshotSummary> still) {
        ReentrantLock lock = lockOf(id);
        lock.lock();
        try {
            RunEntry entry;
            try {
                entry = current(id);
            } catch (FlowStateException e) {
                LOG.warn("Run {} is left out of this purge until repaired: {}", id, e.getMessage());
                return false;
            }
            if (entry == null || !entry.summary.status().isFinished() || !still.test(entry.summary)) {
                return false;
            }
            remove(id, entry);
            return true;
        } finally {
            lock.unlock();
        }
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

    /** What a walk of a folder tree does with each run file. */
    @FunctionalInterface
    private interface RunFileVisitor {
        void visit(String id, Path file, boolean finished) throws IOException;
    }

    /** Visits the snapshot file of every run in runs/ or finished/, shard by shard, holding none of them. */
    private void forEachRunFile(boolean finished, RunFileVisitor visitor) {
        Path tree = finished ? finishedDir : runsDir;
        if (tree == null) {
            throw new IllegalStateException("The file flow snapshot repository is not started");
        }
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(tree)) {
            for (Path shard : shards) {
                if (!Files.isDirectory(shard)) {
                    continue;
                }
                String shardName = shard.getFileName().toString();
                try (DirectoryStream<Path> files = Files.newDirectoryStream(shard, "*.json")) {
                    for (Path file : files) {
                        String name = file.getFileName().toString();
                        String id = name.substring(0, name.length() - 5);
                        if (Identifiers.isName(id) && shardOf(id).equals(shardName)) {
                            visitor.visit(id, file, finished);
                        }
                    }
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            throw new FlowStateException("Could not list the runs in " + tree + ": " + e.getMessage(), e);
        }
    }

    /**
     * The summary of a run whose files are in the given folder, read under its lock; null when it is gone or has
     * moved (another walk meets it there) or cannot be read (reported).
     */
    private FlowSnapshotSummary summaryIn(String id, boolean finished) {
        ReentrantLock lock = lockOf(id);
        lock.lock();
        try {
            Loaded loaded = read(id);
            return loaded == null || loaded.entry.finished != finished ? null : loaded.entry.summary;
        } catch (FlowStateException e) {
            LOG.warn("Run {} is left out of this find or purge until repaired: {}", id, e.getMessage());
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** A file's modification time, or null when the file is gone (removed or moved meanwhile). */
    private static Instant modified(Path file) throws IOException {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (NoSuchFileException e) {
            return null;
        }
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

    /** Whether the maintenance looks for this run every few seconds, so it stays in memory. */
    private static boolean indexed(FlowSnapshotSummary s) {
        return s.status() == FlowStatus.RUNNING || s.status() == FlowStatus.SUSPENDED && s.wakeAt() != null;
    }

    /** Keeps what the index knows of a run in step with its files: null for a run that is gone. */
    private void remember(String id, RunEntry entry) {
        if (entry != null && indexed(entry.summary)) {
            index.put(id, entry);
        } else {
            index.remove(id);
        }
    }

    /** The index entry, read from the files when the index does not hold the run (it may be unreadable: throws). */
    private RunEntry current(String id) {
        if (codec == null) {
            throw new IllegalStateException("The file flow snapshot repository is not started");
        }
        RunEntry entry = index.get(id);
        if (entry == null) {
            Loaded loaded = read(id);
            if (loaded != null) {
                entry = loaded.entry;
                remember(id, entry);
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

    /**
     * Writes a run's whole snapshot in the folder of its status (finished/ for COMPLETED and FAILED, with updatedAt as
     * the file's time), then, if the run was in the other folder, removes its files there.
     *
     * @param previous what was stored, null for a new run
     */
    private void writeWhole(String id, RunEntry previous, FlowSnapshot snapshot, byte[] data) {
        boolean finished = snapshot.status().isFinished();
        boolean moved = previous != null && previous.finished != finished;
        Path json = jsonFile(id, finished);
        try {
            if (!finished && (previous == null || moved)) {
                // a log left by a deleted run with the same id, or by a move cut short, must be gone first
                DurableFiles.delete(logFile(id));
            }
            DurableFiles.createDirectories(json.getParent());
            DurableFiles.replace(json, data, finished ? finishedTime(snapshot.updatedAt()) : null);
        } catch (IOException e) {
            throw writeFailed(id, json, e);
        }
        if (moved) {
            leave(id, previous.finished);
        } else if (!finished) {
            truncateLog(id, logFile(id));
        }
        remember(id, new RunEntry(FlowSnapshotSummary.of(snapshot), 0, 0, data.length, finished));
    }

    /**
     * Removes the files a run left in the folder it moved out of. Not synced, and a failure is only reported: a copy
     * that outlives this holds a lower version, so the next read of the run (at the latest at start) removes it.
     */
    private void leave(String id, boolean finished) {
        try {
            Files.deleteIfExists(jsonFile(id, finished));
            if (!finished) {
                Files.deleteIfExists(logFile(id));
            }
        } catch (IOException e) {
            LOG.warn("Run {} moved but its old files in {} could not be removed ({}); they are removed when the run is"
                     + " next read", id, jsonFile(id, finished).getParent(), e.getMessage());
        }
    }

    /**
     * A finished run's file time: its updatedAt rounded down to an even second, which every common file system keeps
     * exactly (FAT's step is 2 s). So updatedAt is at or after the file's time and less than
     * {@value #FINISHED_TIME_ROUNDING_SECONDS} s after it.
     */
    private static FileTime finishedTime(Instant updatedAt) {
        return FileTime.from(Math.floorDiv(updatedAt.getEpochSecond(), FINISHED_TIME_ROUNDING_SECONDS)
                             * FINISHED_TIME_ROUNDING_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Reads a run wherever it is and folds its snapshot and log; null when it is stored in neither folder. A run in
     * both (a move cut short) is the copy with the higher version (runs/ on a tie, as a move to finished/ at start
     * keeps the version): the other copy is removed.
     */
    private Loaded read(String id) {
        Loaded active = readIn(id, false);
        if (active != null && !Files.exists(jsonFile(id, true))) {
            return active;
        }
        Loaded finished = readIn(id, true);
        if (active == null || finished == null) {
            return active == null ? finished : active;
        }
        boolean keepFinished = finished.snapshot.version() > active.snapshot.version();
        LOG.info("Run {} was in both runs/ and finished/ (a move cut short): kept version {} from {}", id,
                Math.max(finished.snapshot.version(), active.snapshot.version()), keepFinished ? "finished/" : "runs/");
        leave(id, !keepFinished);
        return keepFinished ? finished : active;
    }

    /** Reads a run's snapshot (and its log, under runs/) in one folder; null when it has no snapshot file there. */
    private Loaded readIn(String id, boolean finished) {
        if (codec == null) {
            throw new IllegalStateException("The file flow snapshot repository is not started");
        }
        Path json = jsonFile(id, finished);
        byte[] data;
        try {
            data = Files.readAllBytes(json);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new FlowStateException("Could not read run " + id + " from " + json + ": " + e.getMessage(), e);
        }
        FlowSnapshot base = codec.decode(data, id, json.toString());
        if (finished) {
            return new Loaded(base, new RunEntry(FlowSnapshotSummary.of(base), 0, 0, data.length, true));
        }
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
                data.length, false));
    }

    /** Folds the log into a new snapshot file and empties the log; a failure leaves the run as it was (logged). */
    private void compact(String id) {
        Path json = jsonFile(id, false);
        try {
            Loaded loaded = readIn(id, false);
            if (loaded == null) {
                return;
            }
            byte[] data = codec.encode(loaded.snapshot, loaded.snapshot.version());
            DurableFiles.replace(json, data);
            remember(id, new RunEntry(loaded.entry.summary, 0, 0, data.length, false));
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

    private Path jsonFile(String id, boolean finished) {
        return (finished ? finishedDir : runsDir).resolve(shardOf(id)).resolve(id + ".json");
    }

    /** The delta log: only active runs (under runs/) have one. */
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

    /**
     * The folder holding run {@code executionId}'s files (for tests and operators): under finished/ once it finished,
     * else (also when it is not stored) under runs/.
     */
    public Path runDirectory(String executionId) {
        String id = RepositoryChecks.executionId(executionId);
        boolean finished = Files.exists(jsonFile(id, true)) && !Files.exists(jsonFile(id, false));
        return jsonFile(id, finished).getParent();
    }
}
