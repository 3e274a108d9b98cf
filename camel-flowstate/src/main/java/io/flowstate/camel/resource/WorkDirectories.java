package io.flowstate.camel.resource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.support.FileProblems;
import io.flowstate.camel.support.Identifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scratch directories named by run id (Windmill's {@code ./shared}) under one base directory: created on demand,
 * removed on demand, and swept. Each directory this instance creates is marked as its owner's (a sibling file
 * {@code <id>.owner} holding the owner's key), and a sweep only ever considers marked directories of the same owner, so
 * applications that share a base directory never remove each other's directories. Knows nothing of runs: the caller
 * says which ids are alive here and which have ended.
 */
public final class WorkDirectories {

    private static final Logger LOG = LoggerFactory.getLogger(WorkDirectories.class);

    /** Run ids (and so directory names) are UUIDs: a sweep touches nothing else. */
    private static final Pattern RUN_ID
            = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final String MARKER_SUFFIX = ".owner";

    private final Path base;
    private final String owner;
    /** Directories in use in this instance: a sweep never removes them. */
    private final Set<Path> live = ConcurrentHashMap.newKeySet();

    /**
     * @param base  the base directory
     * @param owner the key of the store the runs belong to (what a sweep compares with each directory's mark)
     */
    public WorkDirectories(Path base, String owner) {
        this.base = base.toAbsolutePath().normalize();
        this.owner = owner;
    }

    /**
     * The directories of the runs of one store: under {@code configuredBase}, or when none is configured, under the
     * system temp directory + {@code /flowstate-work/<ownerKey>}, so each store on a host has its own.
     *
     * @param location the store's location ({@code FlowSnapshotRepository.location()})
     */
    public static WorkDirectories of(String configuredBase, String location) {
        String owner = ownerKey(location);
        Path base = configuredBase == null || configuredBase.isBlank()
                ? Paths.get(System.getProperty("java.io.tmpdir"), "flowstate-work", owner) : Paths.get(configuredBase);
        return new WorkDirectories(base, owner);
    }

    /** A short, file-name-safe key of a store's location (the first 12 hex digits of its SHA-256). */
    private static String ownerKey(String location) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(location.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public Path base() {
        return base;
    }

    /**
     * The directory of run {@code executionId}, created and marked if needed, and alive here until
     * {@link #release} or {@link #remove}.
     *
     * @throws FlowStateException when it cannot be created or written (naming the base and the option to change)
     */
    public Path open(String executionId) {
        Path dir = base.resolve(Identifiers.requireExecutionId(executionId));
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) {
                throw new AccessDeniedException(dir.toString());
            }
            Path marker = marker(executionId);
            if (!Files.exists(marker)) {
                Files.writeString(marker, owner);
            }
        } catch (IOException | SecurityException e) {
            throw new FlowStateException("Cannot create the scratch directory of run " + executionId + " under the"
                                         + " flowstate work directory (option workDirectory) '" + base + "': "
                                         + FileProblems.reason(e) + ". Set workDirectory"
                                         + " (camel.component.flowstate.workDirectory) to a directory this process may"
                                         + " create and write.",
                    e);
        }
        live.add(dir);
        return dir;
    }

    /** The run's directory, when it has one here, is in use again (a stored run continues on this node). */
    public boolean reopen(String executionId) {
        if (!exists(executionId)) {
            return false;
        }
        live.add(base.resolve(executionId));
        return true;
    }

    /** The directory stays but is no longer in use here: from now on a sweep decides by whether its run ended. */
    public void release(String executionId) {
        if (Identifiers.isName(executionId)) {
            live.remove(base.resolve(executionId));
        }
    }

    /** Whether the run has a directory here. */
    public boolean exists(String executionId) {
        return Identifiers.isName(executionId) && Files.isDirectory(base.resolve(executionId));
    }

    /** Removes the run's directory, everything in it and its mark; logs (does not throw) what cannot be removed. */
    public void remove(String executionId) {
        if (!Identifiers.isName(executionId)) {
            return;
        }
        Path dir = base.resolve(executionId);
        try {
            deleteTree(dir);
            Files.deleteIfExists(marker(executionId));
        } catch (IOException e) {
            LOG.warn("Could not remove the mark {} of a run's scratch directory: {}", marker(executionId), describe(e));
        } finally {
            live.remove(dir);
        }
    }

    /**
     * Removes the directories this owner created whose run has ended ({@code ended} says so: finished or no longer
     * stored), when untouched since {@code untouchedSince}. Directories in use here, of other owners, unmarked, or
     * whose names are not run ids are never touched.
     *
     * @return the number of directories removed
     */
    public int sweep(Predicate<String> ended, Instant untouchedSince) {
        if (!Files.isDirectory(base)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, Files::isDirectory)) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (RUN_ID.matcher(id).matches() && !live.contains(dir) && isOwn(id)
                        && !Files.getLastModifiedTime(dir).toInstant().isAfter(untouchedSince) && ended.test(id)) {
                    remove(id);
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

    private boolean isOwn(String executionId) {
        try {
            return owner.equals(Files.readString(marker(executionId)).trim());
        } catch (IOException e) {
            return false; // unmarked: not ours to remove
        }
    }

    private Path marker(String executionId) {
        return base.resolve(executionId + MARKER_SUFFIX);
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
