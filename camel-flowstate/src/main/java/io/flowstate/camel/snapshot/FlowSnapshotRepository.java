package io.flowstate.camel.snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Service;

/**
 * Where runs' snapshots and the {@code persistent} scope live. Implementations are thread-safe; every write is a
 * compare-and-set on a stored version, so a repository shared by several Camel nodes (JDBC) never loses an update.
 * A call that fails (conflict, bad id, I/O error) changes nothing stored.
 * <p>
 * Namespaces and keys reach an implementation already validated by the component (see
 * {@code io.flowstate.camel.support.Identifiers}); implementations validate them again before they touch a path or
 * SQL.
 * <p>
 * Versions: a run written once has version 1; every save or delta adds one. A value's first version is the
 * repository's choice (the built-in ones draw it at random, see {@link ValueVersions}), every put adds one. The version
 * a caller presents is the one it last read or was returned ({@code 0}: must not exist yet); callers of the value
 * operations never assume a number.
 * <p>
 * A value's versions never repeat across its deletion: once a key is deleted ({@link #deleteValue},
 * {@link #deleteValues}) and created again, no version it had before is valid again, so a compare-and-set read before
 * the delete is refused (otherwise an append stalled across a delete and three new appends would store deleted items
 * and lose the new ones). The built-in repositories keep no tombstones for this: a key created again starts at a
 * random version in [2<sup>32</sup>, 2<sup>62</sup>), so a stale version matches again with a probability below
 * 10<sup>-9</sup> even after a billion writes to the new key (see {@link ValueVersions}); versions of values stored
 * before this rule (from 1) keep counting up and can never match a re-created key.
 */
public interface FlowSnapshotRepository extends Service {

    /**
     * Whether run {@code executionId} has ended: finished, or no longer stored. False when it cannot be read (it is
     * left to whoever looks into it).
     */
    default boolean hasEnded(String executionId) {
        try {
            return load(executionId).map(stored -> stored.status().isFinished()).orElse(true);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Where this repository keeps its data ({@code file:/var/flowstate}, {@code jdbc:postgresql://db/app}), the same
     * text for every instance on the same store: it tells operators which store a node uses, and keeps apart what
     * belongs to different stores on one host (each store's default scratch directory). Available once started.
     */
    default String location() {
        return getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(this));
    }

    // ---------------------------------------------------------------- runs

    /**
     * Stores a whole snapshot: when a run is first saved, and whenever the component prefers a full write (e.g. after
     * {@code flowstate:clear} of a large state). The snapshot's own {@code version} field is ignored.
     *
     * @param  expectedVersion               the version last loaded or saved, {@code 0} for a run not stored yet
     * @return                               the new version ({@code expectedVersion + 1})
     * @throws FlowSnapshotConflictException when the stored version differs (or the run exists for 0, or is absent
     *                                       otherwise); nothing is changed
     * @throws FlowSnapshotTooLargeException when the encoded snapshot exceeds the repository's maximum size
     * @throws FlowSnapshotFormatException   when the stored run is of a newer format: it is never overwritten
     */
    long save(FlowSnapshot snapshot, long expectedVersion);

    /**
     * Stores what changed since the last save: the per-step checkpoint, at a cost proportional to the delta. The
     * repository folds deltas into a full snapshot now and then (see the implementation's compaction options).
     *
     * @param  expectedVersion               the version last loaded or saved (at least 1: the run must exist)
     * @return                               the new version ({@code expectedVersion + 1})
     * @throws FlowSnapshotConflictException when the run is absent or its stored version differs; nothing is changed
     * @throws FlowSnapshotFormatException   from repositories that fold deltas on save (memory; file for a delta that
     *                                       finishes the run or follows its finish) when the delta appends to a state
     *                                       key that holds no list; the others store it and fail the load (see
     *                                       {@link FlowSnapshotDelta})
     */
    long saveDelta(String executionId, FlowSnapshotDelta delta, long expectedVersion);

    /**
     * Reads a run with all its deltas applied: on {@code flowstate:restore}, resume and recovery.
     *
     * @return                             the run, empty when no run has this id
     * @throws FlowSnapshotFormatException when the stored run is corrupt or of a newer format (names run and place)
     */
    Optional<FlowSnapshot> load(String executionId);

    /**
     * Removes a run if its stored version is still {@code expectedVersion}.
     *
     * @throws FlowSnapshotConflictException when the run is absent or its version differs; nothing is changed
     */
    void delete(String executionId, long expectedVersion);

    /**
     * A page of runs by flow and/or status, oldest created first: for the dev console, operators and tests.
     */
    FlowSnapshotPage find(FlowSnapshotQuery query);

    /**
     * RUNNING runs whose lease ended at or before {@code now} (a node died while running them), earliest expiry first:
     * what the recovery task takes over. Runs without a lease and SUSPENDED runs are never returned.
     *
     * @param limit at most this many (at least 1)
     */
    List<FlowSnapshotSummary> findExpiredLeases(Instant now, int limit);

    /**
     * SUSPENDED runs whose {@code wakeAt} is at or before {@code now} (suspend timeout passed, durable sleep over),
     * earliest first: what the recovery task continues. Runs without {@code wakeAt} wait for a resume only and are
     * never returned.
     *
     * @param limit at most this many (at least 1)
     */
    List<FlowSnapshotSummary> findDue(Instant now, int limit);

    /**
     * How many runs are stored, by flow and status; SUSPENDED runs by what they wait for, with the oldest one's
     * {@code updatedAt}; and how many wake-ups are due and leases expired at {@code now} (what {@link #findDue} and
     * {@link #findExpiredLeases} would return without a limit). For the dev console and the runs gauge: it reads no
     * run's state. The JDBC repository answers from grouped queries on indexes; the file repository reads each stored
     * run's file (its cost grows with the runs stored, finished ones included); the memory one counts what it holds.
     */
    RunCounts countRuns(Instant now);

    /**
     * Retention: removes COMPLETED and FAILED runs last updated before {@code finishedBefore}. Called by the component
     * on its recovery schedule with {@code now - retention}.
     * <p>
     * A finished inner run (one with a {@code parentExecutionId}) whose parent is stored and not finished is kept,
     * however old: the parent re-enters the step that called it (after a resume, or recovery after a crash) and must
     * find it there, or the inner flow's steps would run a second time. Only the immediate parent counts (a finished
     * parent never runs its steps again); once it finishes or is removed, the inner run is purged like any other.
     *
     * @return the number of runs removed
     */
    int purgeFinished(Instant finishedBefore);

    /**
     * Cap on stored history: keeps the {@code maxFinishedRuns} most recently updated COMPLETED and FAILED runs and
     * removes older ones. RUNNING and SUSPENDED runs are never removed.
     * <p>
     * A finished inner run whose parent is stored and not finished (see {@link #purgeFinished}) is never removed: it is
     * ranked with the other finished runs, so among the {@code maxFinishedRuns} newest it takes one of their places, and
     * beyond them it stays anyway (no other run is removed in its place). So at most {@code maxFinishedRuns} finished
     * runs stay, plus such held inner runs older than those. (Not counting them at all would need every finished run
     * read to rank the others, which the file repository's purge avoids.)
     *
     * @return the number of runs removed
     */
    int purgeFinishedBeyond(int maxFinishedRuns);

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
     * @return                               the new version: {@code expectedVersion + 1}, or for a new key a first
     *                                       version that is none of the versions the key had before a delete (not
     *                                       necessarily 1): what the next write or delete must present
     * @throws FlowSnapshotConflictException when the stored version differs (nothing is changed)
     */
    default long putValue(String namespace, String key, JsonNode value, long expectedVersion) {
        return putValue(namespace, key, value, expectedVersion, null);
    }

    /**
     * Writes one value that expires at {@code expiresAt} (null: never), if the stored version is still
     * {@code expectedVersion}. An expired value is still stored until {@link #purgeExpiredValues} removes it:
     * {@link #getValue} and {@link #getValues} return it with its {@link VersionedValue#expiresAt()}, and callers that
     * honour expiry treat it as absent and present its version to replace it (so replacing an expired value stays a
     * compare-and-set: of two nodes replacing it, one wins). The repository compares no times itself: the caller's
     * clock decides.
     *
     * @param  expectedVersion               the version last read (also of an expired value), {@code 0} when the key
     *                                       must not be stored
     * @return                               as {@link #putValue(String, String, JsonNode, long)}
     * @throws FlowSnapshotConflictException when the stored version differs (nothing is changed)
     */
    long putValue(String namespace, String key, JsonNode value, long expectedVersion, Instant expiresAt);

    /**
     * Replaces one value with what {@code change} computes from it, as one atomic step that never conflicts: the
     * repository holds the key (a row lock, a per-key lock) from the read to the write, so concurrent updates of one
     * key (from several threads or nodes) queue instead of failing. What {@code increment} and {@code append} need:
     * read-compute-write without retries that run out under contention. The version is advanced as by
     * {@link #putValue(String, String, JsonNode, long, Instant)}.
     * <p>
     * {@code change} sees the stored value (an expired one too: callers that honour expiry treat it as absent) and may
     * be called more than once (e.g. when two nodes create an absent key at once); only its last result is stored. It
     * must be quick and without side effects. When it throws, nothing is changed and the exception reaches the caller.
     *
     * @param  change what to store, given the stored value (empty when the key is absent)
     * @return        the value now stored, with its new version and expiry
     */
    VersionedValue updateValue(String namespace, String key, Function<Optional<VersionedValue>, ValueUpdate> change);

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

    /**
     * Removes every value of a namespace whatever its version (e.g. {@code flowstate:clear} on the persistent scope).
     *
     * @return the number of values removed
     */
    int deleteValues(String namespace);

    /**
     * Removes every value (of every namespace) whose {@code expiresAt} is at or before {@code now}: the maintenance
     * pass's purge. A value written again meanwhile with a later or no expiry is kept (the test and the removal are
     * one atomic step per value).
     *
     * @return the number of values removed
     */
    int purgeExpiredValues(Instant now);
}
