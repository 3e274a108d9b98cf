package io.flowstate.camel.snapshot.file;

import io.flowstate.camel.snapshot.FlowSnapshotSummary;

/**
 * What is known of a stored run: held by the {@link RunIndex} for indexed runs (replaced whole, under the run's lock,
 * on every change), read from its files for the others.
 *
 * @param logLength     the length of the complete lines of its delta log, where the next delta is appended
 * @param deltaCount    the deltas its log holds beyond its snapshot file
 * @param snapshotBytes the size of its snapshot file
 * @param finished      whether its files are under finished/ (else runs/)
 */
record RunEntry(FlowSnapshotSummary summary, long logLength, int deltaCount, long snapshotBytes, boolean finished) {
}
