package io.flowstate.camel.snapshot.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.BusinessKeyClaims;
import io.flowstate.camel.snapshot.CompactingRepository;
import io.flowstate.camel.snapshot.Compaction;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotPage;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.RepositoryChecks;
import io.flowstate.camel.snapshot.RunCounts;
import io.flowstate.camel.snapshot.ValueUpdate;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.snapshot.file.RunFiles.Loaded;
import io.flowstate.camel.support.FileProblems;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.Configurer;
import org.apache.camel.spi.Metadata;
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
 * time says they may be old enough (and the parent of an inner run among them): keep modification times when copying
 * a data directory ({@code cp -p}, {@code rsync -t}), or finished runs copied without them are purged late and the cap
 * may remove others first.
 * <p>
 * Business keys: the unfinished runs' keys are held in memory ({@link BusinessKeyClaims}), filled at start from the
 * active runs the start-up scan reads anyway; a run claims its key by a compare-and-set there, under its own lock and
 * before its files are written, and releases it once finished or removed. The run files stay the only durable record:
 * after a crash the next start rebuilds the claims from them.
 * <p>
 * Single node: each run's files are guarded by locks in this JVM. Sharing a data directory between processes or nodes
 * is not supported and refused at start (a lock file); use the JDBC repository for that. On case-insensitive file
 * systems, ids that differ only in case would share files: use ids of one case there.
 * <p>
 * Inside: this class checks arguments and versions under each run's lock and delegates to {@code RunFiles} (where a
 * run's files are; reading, writing and moving them), {@code RunIndex} (the runs kept in memory),
 * {@code RunFolderWalks} (the finds and purges that walk a folder), {@code StartupScan} (the index built at start) and
 * {@code FileValueStore} (persistent values).
 */
@Metadata(label = "bean",
          description = "Flow snapshot repository that keeps runs and persistent values as files in a data directory"
                        + " (the default). One process per directory.",
          annotations = { "interfaceName=io.flowstate.camel.snapshot.FlowSnapshotRepository" })
@Configurer(metadataOnly = true)
@ManagedResource(description = "File flow snapshot repository")
public class FileFlowSnapshotRepository extends CompactingRepository {

    private static final Logger LOG = LoggerFactory.getLogger(FileFlowSnapshotRepository.class);
    private static final int STRIPES = 256;

    @Metadata(description = "The directory holding runs and persistent values; relative paths are resolved against"
                            + " the working directory.",
              defaultValue = "flowstate-data")
    private String dataDirectory = "flowstate-data";

    private final ReentrantLock[] runLocks = new ReentrantLock[STRIPES];
    private final RunIndex index = new RunIndex();
    private final BusinessKeyClaims businessKeys = new BusinessKeyClaims();
    private Compaction compaction;
    private Path root;
    private FlowSnapshotCodec codec;
    private RunFiles files;
    private RunFolderWalks walks;
    private FileValueStore values;
    private FileChannel lockChannel;
    private FileLock lock;

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

    @ManagedAttribute(description = "Runs kept in memory: RUNNING runs and SUSPENDED runs with a wake-up time (other"
                                    + " runs are read from their files when needed)")
    @Override
    public String location() {
        return "file:" + (root != null ? root : Paths.get(dataDirectory).toAbsolutePath().normalize());
    }

    public int getIndexedRunCount() {
        return index.size();
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    protected void doStart() throws Exception {
        if (dataDirectory == null || dataDirectory.isBlank()) {
            throw new IllegalArgumentException("The flowstate data directory (option dataDirectory) is not set: set it"
                                               + " to the directory for the file repository's runs, such as"
                                               + " flowstate-data");
        }
        compaction = compaction();
        codec = codec();
        root = Paths.get(dataDirectory).toAbsolutePath().normalize();
        files = new RunFiles(root, codec);
        walks = new RunFolderWalks(files, this::summaryIn, this::removeFinished);
        Path valuesDir = root.resolve("values");
        try {
            files.createFolders();
            DurableFiles.createDirectories(valuesDir);
            lockDirectory();
        } catch (IOException | SecurityException e) {
            throw new FlowStateException("The flowstate data directory (option dataDirectory) '" + dataDirectory
                                         + "' could not be created or written as " + root + ": "
                                         + FileProblems.reason(e) + ". Set dataDirectory"
                                         + " (camel.component.flowstate.dataDirectory) to a directory this process may"
                                         + " create and write, or give the component a repository or dataSource.",
                    e);
        }
        values = new FileValueStore(valuesDir, codec, STRIPES);
        values.removeLeftoverTemps();
        index.clear();
        businessKeys.clear();
        int active = new StartupScan(files, index, businessKeys, codec).run();
        LOG.info("File flow snapshot repository in {}: {} active runs, {} of them indexed in memory", root, active,
                index.size());
    }

    @Override
    protected void doStop() throws Exception {
        index.clear();
        businessKeys.clear();
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
     * Fails every call outside start and stop: before start nothing is set up, and after stop the directory's lock is
     * released, so another repository may own its files by then.
     */
    private void checkStarted() {
        if (!isStarted() && !isSuspended()) {
            throw new IllegalStateException("The file flow snapshot repository on " + dataDirectory + " is not"
                                            + " started: start it (the flowstate component does) before using it");
        }
    }

    // ---------------------------------------------------------------- runs

    @Override
    public long save(FlowSnapshot snapshot, long expectedVersion) {
        checkStarted();
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
            FlowSnapshot stored = snapshot.withVersion(version);
            withBusinessKey(id, entry, FlowSnapshotSummary.of(stored),
                    () -> index.remember(id, files.writeWhole(id, entry, stored, data)));
            return version;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long saveDelta(String executionId, FlowSnapshotDelta delta, long expectedVersion) {
        checkStarted();
        String id = RepositoryChecks.executionId(executionId);
        RepositoryChecks.expectedVersion(expectedVersion);
        ReentrantLock lock = lockOf(id);
        lock.lock();
        try {
            RunEntry entry = current(id);
            checkVersion(id, entry, expectedVersion, false);
            long version = expectedVersion + 1;
            FlowSnapshotSummary summary = entry.summary().apply(delta, version);
            if (entry.finished() || summary.status().isFinished()) {
                // a finished run is one whole file (its modification time is what purges filter on): fold the delta in
                Loaded loaded = files.read(id);
                FlowSnapshot merged = FlowSnapshotDelta.merge(loaded.snapshot(), List.of(delta), version, false);
                withBusinessKey(id, entry, summary, () -> index.remember(id,
                        files.writeWhole(id, loaded.entry(), merged, codec.encode(merged, version))));
                return version;
            }
            byte[] line = DeltaLog.line(codec.encodeDelta(id, delta, version));
            withBusinessKey(id, entry, summary, () -> {
                try {
                    files.appendToLog(id, entry.logLength(), line);
                } catch (IOException e) {
                    FlowStateException failed = RunFiles.writeFailed(id, files.logFile(id), e);
                    if (!files.cutLogBack(id, entry.logLength())) {
                        readAgain(id, failed);
                    }
                    throw failed;
                }
            });
            RunEntry next = new RunEntry(summary, entry.logLength() + line.length, entry.deltaCount() + 1,
                    entry.snapshotBytes(), false);
            index.remember(id, next);
            if (compaction.due(next.deltaCount(), next.logLength(), next.snapshotBytes())) {
                RunEntry compacted = files.compact(id);
                if (compacted != null) {
                    index.remember(id, compacted);
                }
            }
            return version;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<FlowSnapshot> load(String executionId) {
        checkStarted();
        String id = RepositoryChecks.executionId(executionId);
        ReentrantLock lock = lockOf(id);
        lock.lock();
        try {
            Loaded loaded = files.read(id);
            index.remember(id, loaded == null ? null : loaded.entry());
            return loaded == null ? Optional.empty() : Optional.of(loaded.snapshot());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delete(String executionId, long expectedVersion) {
        checkStarted();
        String id = RepositoryChecks.executionId(executionId);
        ReentrantLock lock = lockOf(id);
        lock.lock();
        try {
            RunEntry entry = current(id);
            if (entry == null || entry.summary().version() != expectedVersion) {
                Long stored = entry == null ? null : entry.summary().version();
                throw RepositoryChecks.runConflict(id, expectedVersion, stored);
            }
            remove(id, entry);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs by flow and status, oldest created first. RUNNING runs come from the index; a query for any other status
     * reads the run files of its folder (runs/ for SUSPENDED, finished/ for COMPLETED and FAILED) one by one, keeping
     * no more than a page: it costs a read of every such run, which suits an operator's query, not a hot path.
     */
    @Override
    public FlowSnapshotPage find(FlowSnapshotQuery query) {
        checkStarted();
        if (query.statuses().equals(EnumSet.of(FlowStatus.RUNNING))) {
            return RepositoryChecks.page(index.summaries(query::matches, RepositoryChecks.CREATION_ORDER), query);
        }
        return walks.find(query);
    }

    @Override
    public List<FlowSnapshotSummary> findExpiredLeases(Instant now, int limit) {
        checkStarted();
        RepositoryChecks.limit(limit);
        return RepositoryChecks.first(index.summaries(s -> s.leaseExpired(now), RepositoryChecks.LEASE_ORDER), limit);
    }

    @Override
    public List<FlowSnapshotSummary> findDue(Instant now, int limit) {
        checkStarted();
        RepositoryChecks.limit(limit);
        return RepositoryChecks.first(index.summaries(s -> s.due(now), RepositoryChecks.WAKE_ORDER), limit);
    }

    /** Reads the run file of every stored run, one at a time (see {@code RunFolderWalks}). */
    @Override
    public RunCounts countRuns(Instant now) {
        checkStarted();
        RunCounts.Builder counts = RunCounts.builder(now);
        walks.forEachRun(counts::add);
        return counts.build();
    }

    /** Walks finished/ and reads only the files modified before {@code finishedBefore} (see {@code RunFolderWalks}). */
    @Override
    public int purgeFinished(Instant finishedBefore) {
        checkStarted();
        Objects.requireNonNull(finishedBefore, "finishedBefore");
        return walks.purgeFinished(finishedBefore);
    }

    /**
     * Walks finished/ twice: once for the files' modification times (no file is read), then to read the runs whose
     * time says they may be among the oldest (see {@code RunFolderWalks}).
     */
    @Override
    public int purgeFinishedBeyond(int maxFinishedRuns) {
        checkStarted();
        if (maxFinishedRuns < 0) {
            throw new IllegalArgumentException("maxFinishedRuns must be 0 or more, not " + maxFinishedRuns);
        }
        return walks.purgeFinishedBeyond(maxFinishedRuns);
    }

    /**
     * The walks' {@link RunFolderWalks.FinishedRemover}. An unreadable run is reported and kept, so that it does not
     * stop the purge of the others. An inner run whose parent is stored and not finished is kept: the parent re-enters
     * the step that called it (after a resume or a crash) and must find it, or the inner flow's steps would run again.
     * The parent is read under its own lock, never while holding the run's: a walk holds one run's lock at a time, so
     * two purges cannot deadlock on each other's stripes.
     */
    private boolean removeFinished(String id, Predicate<FlowSnapshotSummary> still) {
        ReentrantLock lock = lockOf(id);
        String parentId;
        long version;
        lock.lock();
        try {
            if (index.get(id) != null) {
                return false; // the index holds RUNNING and SUSPENDED runs only
            }
            Loaded loaded;
            try {
                // as current(id) reads it, keeping the snapshot: its parent is known only there
                loaded = files.read(id);
                if (loaded != null) {
                    index.remember(id, loaded.entry());
                }
            } catch (FlowStateException e) {
                LOG.warn("Run {} is left out of this purge until repaired: {}", id, e.getMessage());
                return false;
            }
            if (loaded == null || !loaded.entry().summary().status().isFinished()
                    || !still.test(loaded.entry().summary())) {
                return false;
            }
            parentId = loaded.snapshot().parentExecutionId();
            if (parentId == null) {
                remove(id, loaded.entry());
                return true;
            }
            version = loaded.entry().summary().version();
        } finally {
            lock.unlock();
        }
        if (heldByParent(id, parentId)) {
            return false;
        }
        lock.lock();
        try {
            RunEntry entry = current(id);
            if (entry == null || entry.summary().version() != version) {
                return false; // written meanwhile: the next purge decides again
            }
            remove(id, entry);
            return true;
        } catch (FlowStateException e) {
            LOG.warn("Run {} is left out of this purge until repaired: {}", id, e.getMessage());
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Whether run {@code parentId} is stored and not finished; an unreadable parent keeps the run (reported). */
    private boolean heldByParent(String id, String parentId) {
        ReentrantLock lock = lockOf(parentId);
        lock.lock();
        try {
            RunEntry parent = current(parentId);
            return parent != null && !parent.summary().status().isFinished();
        } catch (FlowStateException e) {
            LOG.warn("Run {} is kept by this purge: its parent run {} cannot be read until repaired: {}", id,
                    parentId, e.getMessage());
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The walks' {@link RunFolderWalks.SummaryReader}. */
    private FlowSnapshotSummary summaryIn(String id, boolean finished) {
        ReentrantLock lock = lockOf(id);
        lock.lock();
        try {
            Loaded loaded = files.read(id);
            return loaded == null || loaded.entry().finished() != finished ? null : loaded.entry().summary();
        } catch (FlowStateException e) {
            LOG.warn("Run {} is left out of this find or purge until repaired: {}", id, e.getMessage());
            return null;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- persistent values

    @Override
    public Optional<VersionedValue> getValue(String namespace, String key) {
        checkStarted();
        return values.get(namespace, key);
    }

    @Override
    public long putValue(String namespace, String key, JsonNode value, long expectedVersion, Instant expiresAt) {
        checkStarted();
        RepositoryChecks.expectedVersion(expectedVersion);
        return values.put(namespace, key, value, expectedVersion, expiresAt);
    }

    @Override
    public VersionedValue updateValue(String namespace, String key, Function<Optional<VersionedValue>, ValueUpdate> change) {
        checkStarted();
        return values.update(namespace, key, change);
    }

    @Override
    public void deleteValue(String namespace, String key, long expectedVersion) {
        checkStarted();
        values.delete(namespace, key, expectedVersion);
    }

    @Override
    public Map<String, VersionedValue> getValues(String namespace) {
        checkStarted();
        return values.getAll(namespace);
    }

    @Override
    public int deleteValues(String namespace) {
        checkStarted();
        return values.deleteAll(namespace);
    }

    @Override
    public int purgeExpiredValues(Instant now) {
        checkStarted();
        return values.purgeExpired(now);
    }

    // ---------------------------------------------------------------- internals (callers hold the run's lock)

    /** The run's entry: the index's, else read from its files (it may be unreadable: throws); null when not stored. */
    private RunEntry current(String id) {
        RunEntry entry = index.get(id);
        if (entry == null) {
            Loaded loaded = files.read(id);
            if (loaded != null) {
                entry = loaded.entry();
                index.remember(id, entry);
            }
        }
        return entry;
    }

    /**
     * After a delta line that may or may not be in the log (its append failed, and so did cutting it off): what the
     * files hold decides the run, so they are read again now. While they cannot be read (added to {@code failed}), the
     * run stays findable as last known and is read at its next access.
     */
    private void readAgain(String id, FlowStateException failed) {
        index.distrust(id);
        try {
            current(id);
        } catch (FlowStateException e) {
            failed.addSuppressed(e);
        }
    }

    private static void checkVersion(String id, RunEntry entry, long expected, boolean newAllowed) {
        long stored = entry == null ? 0 : entry.summary().version();
        if (stored != expected || !newAllowed && entry == null) {
            throw RepositoryChecks.runConflict(id, expected, entry == null ? null : stored);
        }
    }

    private void remove(String id, RunEntry entry) {
        files.delete(id, entry.finished());
        index.forget(id);
        businessKeys.release(id, entry.summary());
    }

    /**
     * Runs {@code write}, which takes run {@code id} from {@code entry} to {@code after}, with the business keys
     * following it: the key {@code after} holds is claimed first (a refusal writes nothing), and released again if the
     * write fails; the key the run held before and no longer holds is released once the write succeeded.
     */
    private void withBusinessKey(String id, RunEntry entry, FlowSnapshotSummary after, Runnable write) {
        FlowSnapshotSummary before = entry == null ? null : entry.summary();
        boolean claimed = businessKeys.claimBefore(id, before, after);
        try {
            write.run();
        } catch (RuntimeException e) {
            if (claimed) {
                businessKeys.release(id, after);
            }
            throw e;
        }
        businessKeys.releaseAfter(id, before, after);
    }

    private ReentrantLock lockOf(String id) {
        return runLocks[(id.hashCode() & 0x7fffffff) % STRIPES];
    }

    /**
     * The folder holding run {@code executionId}'s files (for tests and operators): under finished/ once it finished,
     * else (also when it is not stored) under runs/.
     */
    public Path runDirectory(String executionId) {
        return files.directoryOf(RepositoryChecks.executionId(executionId));
    }
}
