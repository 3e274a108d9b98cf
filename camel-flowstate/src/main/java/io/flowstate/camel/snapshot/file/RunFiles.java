package io.flowstate.camel.snapshot.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotCodec.StoredDelta;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotFormatException;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.support.Identifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run's files are, and how they are read and written. An active run is {@code runs/<shard>/X.json} (its last
 * full snapshot) and {@code runs/<shard>/X.log} (the deltas saved since, see {@link DeltaLog}); a finished run is the
 * single file {@code finished/<shard>/X.json}, whose modification time is its updatedAt rounded down. The shard is two
 * hex digits of a CRC32 of the id.
 * <p>
 * A run moves between the folders when its status does: its whole snapshot is written in the new folder first, then its
 * files in the old one are removed. A crash in between leaves it in both, which {@link #read} resolves.
 * <p>
 * Callers hold the run's lock. Nothing here touches the {@link RunIndex}: writes return what the index should now hold.
 */
final class RunFiles {

    /** The step a finished run's file time is rounded down to (see {@link #finishedTime}). */
    static final long FINISHED_TIME_ROUNDING_SECONDS = 2;

    // the repository's logger: what operators configure for it covers its files too
    private static final Logger LOG = LoggerFactory.getLogger(FileFlowSnapshotRepository.class);
    private static final String JSON = ".json";

    private final Path runsDir;
    private final Path finishedDir;
    private final FlowSnapshotCodec codec;

    /** A run as read from its files: its snapshot with the deltas of its log folded in, and its entry. */
    record Loaded(FlowSnapshot snapshot, RunEntry entry) {
    }

    RunFiles(Path root, FlowSnapshotCodec codec) {
        this.runsDir = root.resolve("runs");
        this.finishedDir = root.resolve("finished");
        this.codec = codec;
    }

    void createFolders() throws IOException {
        DurableFiles.createDirectories(runsDir);
        DurableFiles.createDirectories(finishedDir);
    }

    /** runs/ or finished/. */
    Path folder(boolean finished) {
        return finished ? finishedDir : runsDir;
    }

    Path jsonFile(String id, boolean finished) {
        return folder(finished).resolve(shardOf(id)).resolve(id + JSON);
    }

    /** The delta log: only active runs (under runs/) have one. */
    Path logFile(String id) {
        return runsDir.resolve(shardOf(id)).resolve(id + ".log");
    }

    /** The folder holding a run's files: under finished/ once it finished, else (also when it is not stored) runs/. */
    Path directoryOf(String id) {
        boolean finished = Files.exists(jsonFile(id, true)) && !Files.exists(jsonFile(id, false));
        return jsonFile(id, finished).getParent();
    }

    static String shardOf(String id) {
        CRC32 crc = new CRC32();
        crc.update(id.getBytes(StandardCharsets.UTF_8));
        return String.format("%02x", crc.getValue() & 0xff);
    }

    /**
     * The id of the run whose snapshot file {@code json} (a name ending in .json) is; null when it is not a run file of
     * this repository (bad id or wrong shard folder).
     */
    static String idOf(Path json) {
        String name = json.getFileName().toString();
        String id = name.substring(0, name.length() - JSON.length());
        boolean ours = Identifiers.isName(id) && shardOf(id).equals(json.getParent().getFileName().toString());
        return ours ? id : null;
    }

    /** Whether {@code file} is the temp file that a replace of a run's snapshot file writes first. */
    static boolean isSnapshotTemp(Path file) {
        Path target = DurableFiles.targetOfTemp(file);
        return target != null && target.getFileName().toString().endsWith(JSON) && idOf(target) != null;
    }

    /**
     * Reads a run wherever it is and folds its snapshot and log; null when it is stored in neither folder. A run in
     * both (a move cut short) is the copy with the higher version (runs/ on a tie, as a move to finished/ at start
     * keeps the version): the other copy is removed.
     */
    Loaded read(String id) {
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

    /**
     * Writes a run's whole snapshot in the folder of its status (finished/ for COMPLETED and FAILED, with updatedAt as
     * the file's time), then, if the run was in the other folder, removes its files there.
     *
     * @param  previous what was stored, null for a new run
     * @return          the run's new entry
     */
    RunEntry writeWhole(String id, RunEntry previous, FlowSnapshot snapshot, byte[] data) {
        boolean finished = snapshot.status().isFinished();
        boolean moved = previous != null && previous.finished() != finished;
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
            leave(id, previous.finished());
        } else if (!finished) {
            truncateLog(id);
        }
        return new RunEntry(FlowSnapshotSummary.of(snapshot), 0, 0, data.length, finished);
    }

    /**
     * Appends a line to an active run's log where {@code logLength} says its complete lines end (cutting a torn line
     * off), durably: the log, and its folder when the append created the log.
     */
    void appendToLog(String id, long logLength, byte[] line) throws IOException {
        Path log = logFile(id);
        if (DurableFiles.append(log, logLength, line)) {
            DurableFiles.syncDirectory(log.getParent());
        }
    }

    /** After a failed append: cuts the log back so the line never counts; false when even that failed (reported). */
    boolean cutLogBack(String id, long logLength) {
        Path log = logFile(id);
        try {
            DurableFiles.truncate(log, logLength);
            return true;
        } catch (IOException e) {
            LOG.warn("Could not cut the delta log {} of run {} back after a failed write ({})", log, id,
                    e.getMessage());
            return false;
        }
    }

    /**
     * Folds an active run's log into a new snapshot file and empties the log.
     *
     * @return the run's new entry; null when the run is gone or the compaction failed (reported), which leaves the run
     *         as it was
     */
    RunEntry compact(String id) {
        RunEntry compacted;
        try {
            Loaded loaded = readIn(id, false);
            if (loaded == null) {
                return null;
            }
            byte[] data = codec.encode(loaded.snapshot, loaded.snapshot.version());
            DurableFiles.replace(jsonFile(id, false), data);
            compacted = new RunEntry(loaded.entry.summary(), 0, 0, data.length, false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not compact run {} ({}): its delta log keeps growing until a compaction succeeds", id,
                    e.getMessage());
            return null;
        }
        truncateLog(id);
        return compacted;
    }

    /**
     * Deletes a run's files: its snapshot in the other folder first (a copy a move cut short left there must not
     * outlive the run), then its snapshot (the run is gone from then on), then its log (best effort: a log without its
     * snapshot is removed at the next start).
     *
     * @param finished the folder the run is in
     */
    void delete(String id, boolean finished) {
        for (Path json : List.of(jsonFile(id, !finished), jsonFile(id, finished))) {
            try {
                DurableFiles.delete(json);
            } catch (IOException e) {
                throw new FlowStateException("Could not delete run " + id + " (" + json + "): " + e.getMessage()
                                             + ". The run is unchanged", e);
            }
        }
        try {
            DurableFiles.delete(logFile(id));
        } catch (IOException e) {
            LOG.warn("Run {} is deleted but its delta log could not be removed ({}); it is removed at the next start",
                    id, e.getMessage());
        }
    }

    static FlowStateException writeFailed(String id, Path file, IOException e) {
        return new FlowStateException("Could not durably write run " + id + " to " + file + ": " + e.getMessage()
                                      + ". The checkpoint was not saved", e);
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
     * Empties a log whose lines the snapshot file already holds. Best effort: stale lines are skipped on load (their
     * version is not above the snapshot's), and the next append cuts the file at the length the index knows.
     */
    private void truncateLog(String id) {
        Path log = logFile(id);
        try {
            DurableFiles.truncate(log, 0);
        } catch (IOException e) {
            LOG.warn("Could not empty the delta log {} of run {} ({}); its old lines are skipped", log, id,
                    e.getMessage());
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
}
