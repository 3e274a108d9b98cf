package io.flowstate.camel.snapshot.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.file.RunFiles.Loaded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up pass over runs/ (finished/ is not read): fills the {@link RunIndex} and clears what a crash or an
 * earlier version of this repository left behind. A temp file of a replace cut short is deleted (its target still holds
 * the old content), so is a log without its snapshot (a delete or a move to finished/ cut short); reading each run
 * removes the older copy of a run in both folders; and a finished run under runs/ (written by a version without
 * finished/) is moved there, same version. Unreadable runs are reported and left out (load still names the problem).
 */
final class StartupScan {

    // the repository's logger: what operators configure for it covers its start too
    private static final Logger LOG = LoggerFactory.getLogger(FileFlowSnapshotRepository.class);

    private final RunFiles files;
    private final RunIndex index;
    private final FlowSnapshotCodec codec;

    StartupScan(RunFiles files, RunIndex index, FlowSnapshotCodec codec) {
        this.files = files;
        this.index = index;
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
        return active.get();
    }

    /** Whether {@code file} is the snapshot of an active run. */
    private boolean scan(Path file) throws IOException {
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
