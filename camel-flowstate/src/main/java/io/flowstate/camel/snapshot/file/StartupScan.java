package io.flowstate.camel.snapshot.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.BusinessKeyClaims;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.file.RunFiles.Loaded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up pass over runs/ (finished/ is only listed, for temp files: its runs are not read): fills the
 * {@link RunIndex} and the business keys the active runs hold, and clears what a crash or an earlier version of this repository left behind. The temp file of a
 * snapshot replace cut short is deleted from either folder (its target still holds the old content; files of other
 * names are left alone), so is a log without its snapshot (a delete or a move to finished/ cut short); reading each run
 * removes the older copy of a run in both folders; and a finished run under runs/ (written by a version without
 * finished/) is moved there, same version. Unreadable runs are reported and left out (load still names the problem).
 */
final class StartupScan {

    // the repository's logger: what operators configure for it covers its start too
    private static final Logger LOG = LoggerFactory.getLogger(FileFlowSnapshotRepository.class);

    private final RunFiles files;
    private final RunIndex index;
    private final BusinessKeyClaims businessKeys;
    private final FlowSnapshotCodec codec;

    StartupScan(RunFiles files, RunIndex index, BusinessKeyClaims businessKeys, FlowSnapshotCodec codec) {
        this.files = files;
        this.index = index;
        this.businessKeys = businessKeys;
        this.codec = codec;
    }

    /** Returns the number of active runs found. */
    int run() throws IOException {
        AtomicInteger active = new AtomicInteger();
        RunFolderWalks.forEachFile(files.folder(false), "*", file -> {
            if (scan(file)) {
                active.incrementAndGet();
            }
        });
        RunFolderWalks.forEachFile(files.folder(true), ".*.tmp", StartupScan::removedAsTemp);
        return active.get();
    }

    /**
     * Whether {@code file} is the temp file of a replace of a run's snapshot cut short, which is then deleted: its
     * target still holds the old content, and no write is under way before the repository has started.
     */
    private static boolean removedAsTemp(Path file) throws IOException {
        if (!RunFiles.isSnapshotTemp(file)) {
            return false;
        }
        Files.deleteIfExists(file);
        return true;
    }

    /** Whether {@code file} is the snapshot of an active run. */
    private boolean scan(Path file) throws IOException {
        if (removedAsTemp(file)) {
            return false;
        }
        String name = file.getFileName().toString();
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
        String id = RunFiles.idOf(file);
        if (id == null) {
            LOG.warn("Ignoring {}: not a run file of this repository (bad id or wrong folder)", file);
            return false;
        }
        Loaded loaded;
        try {
            loaded = files.read(id);
        } catch (FlowStateException e) {
            LOG.warn("Run {} is left out of finds and recovery until repaired: {}", id, e.getMessage());
            return false;
        }
        if (loaded == null || loaded.entry().finished()) {
            return false; // a move to finished/ cut short: read kept the finished copy
        }
        if (loaded.snapshot().status().isFinished()) {
            moveToFinished(id, loaded);
            return false;
        }
        index.remember(id, loaded.entry());
        String other = businessKeys.restore(id, loaded.entry().summary());
        if (other != null) {
            LOG.warn("Runs {} and {} of flow '{}' are both unfinished with business key '{}' (written by a version"
                     + " without business keys?): {} holds it", other, id, loaded.snapshot().flowId(),
                    loaded.snapshot().businessKey(), other);
        }
        return true;
    }

    /** A finished run under runs/ (written by a version of this repository without finished/): moved, same version. */
    private void moveToFinished(String id, Loaded loaded) {
        try {
            index.remember(id, files.writeWhole(id, loaded.entry(), loaded.snapshot(),
                    codec.encode(loaded.snapshot(), loaded.snapshot().version())));
        } catch (FlowStateException e) {
            LOG.warn("Finished run {} stays under runs/ until the next start (finds of finished runs and purges do"
                     + " not see it): it could not be moved to finished/: {}", id, e.getMessage());
        }
    }
}
