package io.flowstate.camel.snapshot;

/**
 * When a repository that stores deltas folds them into the run's snapshot: once a run has {@code afterDeltas} of them,
 * or their bytes exceed both {@code afterBytes} and the snapshot itself. Loads then read at most about twice the
 * snapshot, and the bytes written per checkpoint stay proportional to what changed (at most about twice, amortised).
 */
public record Compaction(int afterDeltas, long afterBytes) {

    /** Checks the options (named as users set them on the repositories) before a repository starts. */
    public Compaction {
        if (afterDeltas < 1) {
            throw new IllegalArgumentException("compactAfterDeltas must be at least 1, not " + afterDeltas);
        }
        if (afterBytes < 0) {
            throw new IllegalArgumentException("compactAfterBytes must be 0 or more, not " + afterBytes);
        }
    }

    /** Whether a run with these deltas since its snapshot is due for compaction. */
    public boolean due(long deltaCount, long deltaBytes, long snapshotBytes) {
        return deltaCount >= afterDeltas || deltaBytes > Math.max(afterBytes, snapshotBytes);
    }
}
