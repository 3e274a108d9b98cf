package io.flowstate.camel.resource;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.support.Identifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-run scratch directories (Windmill's {@code ./shared}): {@code <workDirectory>/<executionId>}, created on first
 * use, shared by every step and branch of the run, kept while the run is suspended, removed when it ends on this node.
 * Directories left by a crash, or by a run that suspended here and ended elsewhere, are swept: those of runs that no
 * longer exist or are finished.
 */
public final class WorkDirectories {

    private static final Logger LOG = LoggerFactory.getLogger(WorkDirectories.class);

    /**
     * Directories of runs running in this JVM, whatever CamelContext runs them: a sweep never removes them, even when
     * several contexts (tests, several applications in one server) share a base directory. A run leaves the set when it
     * ends, suspends or sleeps; a sweep then decides by its stored status.
     */
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    /** Run ids (and so directory names) are UUIDs: a sweep touches nothing else. */
    private static final java.util.regex.Pattern RUN_ID
            = java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final Path base;

    /**
     * @param base the base directory; null or empty for the system temp directory + {@code /flowstate-work}
     */
    public WorkDirectories(String base) {
        this.base = (base == null || base.isBlank()
                ? Paths.get(System.getProperty("java.io.tmpdir"), "flowstate-work") : Paths.get(base))
                .toAbsolutePath().normalize();
    }

    public Path base() {
        return base;
    }

    /**
     * The run's directory, created if needed.
     *
     * @throws FlowStateException when it cannot be created or written (naming the base and the option to change)
     */
    public Path open(String executionId) {
        Path dir = base.resolve(Identifiers.requireExecutionId(executionId));
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) {
                throw new IOException("not writable");
            }
        } catch (IOException | SecurityException e) {
            throw new FlowStateException("Cannot create the scratch directory of run " + executionId + " under the"
                                         + " flowstate workDirectory '" + base + "' (" + describe(e) + "). Set the"
                                         + " component option workDirectory to a writable directory.",
                    e);
        }
        LIVE.add(dir);
        return dir;
    }

    /**
     * Ties the run's directory to this run object: removed when the run ends on this node, dropped from the directories
     * alive in this JVM when the run stops here without ending (it suspends or sleeps, or it was only attached by
     * flowstate:restore), so that from then on a sweep decides by the run's stored status.
     */
    public void endWith(FlowExecution run) {
        String id = run.getExecutionId();
        run.whenEnded("workdir", () -> remove(id), () -> release(id));
    }

    /**
     * A stored run continues on this node (resumed, woken, recovered, or an inner run re-entered): when it has a
     * directory here, from an earlier part of the run, the directory is alive again and removed when the run ends.
     */
    public void adopt(FlowExecution run) {
        String id = run.getExecutionId();
        if (exists(id)) {
            LIVE.add(base.resolve(id));
            endWith(run);
        }
    }

    /**
     * The run no longer runs in this JVM but has not ended here: its directory stays, and a sweep keeps it as long as
     * the stored run is not finished (see {@link #sweep}).
     */
    public void release(String executionId) {
        if (Identifiers.isName(executionId)) {
            LIVE.remove(base.resolve(executionId));
        }
    }

    /** Whether the run has a directory on this node. */
    public boolean exists(String executionId) {
        return Identifiers.isName(executionId) && Files.isDirectory(base.resolve(executionId));
    }

    /** Removes the run's directory and everything in it; logs (does not throw) when something cannot be removed. */
    public void remove(String executionId) {
        if (!Identifiers.isName(executionId)) {
            return;
        }
        Path dir = base.resolve(executionId);
        try {
            deleteTree(dir);
        } finally {
            LIVE.remove(dir);
        }
    }

    /**
     * Removes the directories of runs that no longer exist in the repository or are finished (left by a crash, or by a
     * run that another node finished), when untouched since {@code untouchedSince}. Directories of runs alive in this
     * JVM, of suspended runs and of runs running elsewhere are kept; names that are not run ids are never touched.
     *
     * @return the number of directories removed
     */
    public int sweep(FlowSnapshotRepository repository, Instant untouchedSince) {
        if (!Files.isDirectory(base)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, Files::isDirectory)) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (!RUN_ID.matcher(id).matches() || LIVE.contains(dir)
                        || Files.getLastModifiedTime(dir).toInstant().isAfter(untouchedSince)) {
                    continue;
                }
                Optional<FlowSnapshot> stored;
                try {
                    stored = repository.load(id);
                } catch (RuntimeException e) {
                    continue; // unreadable run: leave its directory to whoever looks into it
                }
                if (stored.isEmpty() || stored.get().status().isFinished()) {
                    deleteTree(dir);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not sweep the flowstate work directory {}: {}", base, describe(e));
        }
        if (removed > 0) {
            LOG.info("Removed {} scratch directories of runs that ended or no longer exist under {}", removed, base);
        }
        return removed;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.warn("Could not remove {} from a run's scratch directory: {}", path, describe(e));
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not remove the scratch directory {}: {}", dir, describe(e));
        }
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
