package io.flowstate.camel.snapshot.file;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.LongStream;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshotPage;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.RepositoryChecks;

/**
 * The finds and purges that walk a run folder instead of the {@link RunIndex}: shard by shard, one listing open at a
 * time, holding no more runs than the answer needs, so their memory does not grow with the runs stored. Each run is
 * read or removed under its lock through the repository. Purges read only the finished runs whose file time says they
 * may qualify: a finished run's file time is its updatedAt rounded down (see {@link RunFiles#writeWhole}).
 */
final class RunFolderWalks {

    /**
     * The summary of a run whose files are in the given folder, read under its lock; null when it is gone or has moved
     * (another walk meets it there) or cannot be read (reported).
     */
    @FunctionalInterface
    interface SummaryReader {
        FlowSnapshotSummary summaryIn(String id, boolean finished);
    }

    /** Removes a run, under its lock, if it is finished and {@code still} holds for it; whether it did. */
    @FunctionalInterface
    interface FinishedRemover {
        boolean removeFinished(String id, Predicate<FlowSnapshotSummary> still);
    }

    /** What a walk does with each file. */
    @FunctionalInterface
    interface FileVisitor {
        void visit(Path file) throws IOException;
    }

    /** What a walk does with each run file. */
    @FunctionalInterface
    private interface RunFileVisitor {
        void visit(String id, Path file, boolean finished) throws IOException;
    }

    private final RunFiles files;
    private final SummaryReader reader;
    private final FinishedRemover remover;

    RunFolderWalks(RunFiles files, SummaryReader reader, FinishedRemover remover) {
        this.files = files;
        this.reader = reader;
        this.remover = remover;
    }

    /**
     * Runs by flow and status, oldest created first, read from the run files of the folders that hold those statuses
     * (runs/ for RUNNING and SUSPENDED, finished/ for COMPLETED and FAILED) one by one, keeping no more than a page.
     */
    FlowSnapshotPage find(FlowSnapshotQuery query) {
        Set<FlowStatus> statuses = query.statuses();
        // the first pageSize + 1 matches tell the page and whether another follows
        PriorityQueue<FlowSnapshotSummary> first = new PriorityQueue<>(RepositoryChecks.CREATION_ORDER.reversed());
        RunFileVisitor keep = (id, file, finished) -> {
            FlowSnapshotSummary s = reader.summaryIn(id, finished);
            if (s != null && query.matches(s)) {
                first.add(s);
                if (first.size() > query.pageSize() + 1) {
                    first.poll();
                }
            }
        };
        if (statuses.stream().anyMatch(status -> !status.isFinished())) {
            forEachRunFile(false, keep);
        }
        if (statuses.stream().anyMatch(FlowStatus::isFinished)) {
            forEachRunFile(true, keep);
        }
        List<FlowSnapshotSummary> matches = new ArrayList<>(first);
        matches.sort(RepositoryChecks.CREATION_ORDER);
        return RepositoryChecks.page(matches, query);
    }

    /**
     * Gives the summary of every stored run, active ones then finished ones, read one at a time. Not a snapshot: a run
     * that finishes while the walk is between the folders is given twice (active, then finished).
     */
    void forEachRun(Consumer<FlowSnapshotSummary> action) {
        for (boolean finished : new boolean[] { false, true }) {
            forEachRunFile(finished, (id, file, inFinished) -> {
                FlowSnapshotSummary s = reader.summaryIn(id, inFinished);
                if (s != null) {
                    action.accept(s);
                }
            });
        }
    }

    /**
     * Walks finished/ and reads only the files modified before {@code finishedBefore}: a file's modification time is
     * its run's updatedAt rounded down, so a file modified later holds no run to remove.
     */
    int purgeFinished(Instant finishedBefore) {
        AtomicInteger removed = new AtomicInteger();
        forEachRunFile(true, (id, file, finished) -> {
            Instant modified = modified(file);
            if (modified != null && modified.isBefore(finishedBefore)
                    && remover.removeFinished(id, s -> s.updatedAt().isBefore(finishedBefore))) {
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
    int purgeFinishedBeyond(int maxFinishedRuns) {
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
        Instant bound = Instant.ofEpochSecond(sorted[excess - 1] + RunFiles.FINISHED_TIME_ROUNDING_SECONDS);
        List<FlowSnapshotSummary> candidates = new ArrayList<>();
        forEachRunFile(true, (id, file, finished) -> {
            Instant modified = modified(file);
            FlowSnapshotSummary s = modified != null && modified.isBefore(bound) ? reader.summaryIn(id, true) : null;
            if (s != null && s.status().isFinished()) {
                candidates.add(s);
            }
        });
        candidates.sort(Comparator.comparing(FlowSnapshotSummary::updatedAt).reversed()
                .thenComparing(FlowSnapshotSummary::executionId));
        int removed = 0;
        for (FlowSnapshotSummary s : candidates.subList(Math.max(0, candidates.size() - excess), candidates.size())) {
            if (remover.removeFinished(s.executionId(), stored -> stored.version() == s.version())) {
                removed++;
            }
        }
        return removed;
    }

    /** Visits the files of {@code folder}'s shard folders that match {@code glob}, shard by shard. */
    static void forEachFile(Path folder, String glob, FileVisitor visitor) throws IOException {
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(folder)) {
            for (Path shard : shards) {
                if (!Files.isDirectory(shard)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(shard, glob)) {
                    for (Path file : files) {
                        visitor.visit(file);
                    }
                }
            }
        }
    }

    /** Visits the snapshot file of every run in runs/ or finished/, shard by shard, holding none of them. */
    private void forEachRunFile(boolean finished, RunFileVisitor visitor) {
        Path folder = files.folder(finished);
        try {
            forEachFile(folder, "*.json", file -> {
                String id = RunFiles.idOf(file);
                if (id != null) {
                    visitor.visit(id, file, finished);
                }
            });
        } catch (IOException | DirectoryIteratorException e) {
            throw new FlowStateException("Could not list the runs in " + folder + ": " + e.getMessage(), e);
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
}
