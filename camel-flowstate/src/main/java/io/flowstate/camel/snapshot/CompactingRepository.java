package io.flowstate.camel.snapshot;

import org.apache.camel.spi.Metadata;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The options of the repositories that append deltas and fold them into a run's snapshot now and then (file, JDBC):
 * when a run is compacted, and the size limit of what is stored. A base class, because Camel sets a bean's options
 * through its setters.
 */
public abstract class CompactingRepository extends ServiceSupport implements FlowSnapshotRepository {

    @Metadata(description = "Compact a run (fold its deltas into its snapshot) once it has this many deltas.",
              defaultValue = "1000")
    private int compactAfterDeltas = 1000;
    @Metadata(description = "Compact a run once its deltas are larger than this and than its snapshot. The unit is"
                            + " bytes.",
              defaultValue = "65536")
    private long compactAfterBytes = 64 * 1024;
    @Metadata(description = "The largest snapshot, delta or value stored; larger ones fail with a clear error and"
                            + " nothing is stored. The unit is bytes.",
              defaultValue = "16777216")
    private int maxSnapshotSize = FlowSnapshotCodec.DEFAULT_MAX_SNAPSHOT_SIZE;

    public int getCompactAfterDeltas() {
        return compactAfterDeltas;
    }

    /** Compact a run (fold its deltas into its snapshot) once it has this many deltas. */
    public void setCompactAfterDeltas(int compactAfterDeltas) {
        this.compactAfterDeltas = compactAfterDeltas;
    }

    public long getCompactAfterBytes() {
        return compactAfterBytes;
    }

    /** Compact a run once its deltas are larger than this (in bytes) and than its snapshot. */
    public void setCompactAfterBytes(long compactAfterBytes) {
        this.compactAfterBytes = compactAfterBytes;
    }

    public int getMaxSnapshotSize() {
        return maxSnapshotSize;
    }

    /** The largest snapshot, delta or value stored, in bytes. */
    public void setMaxSnapshotSize(int maxSnapshotSize) {
        this.maxSnapshotSize = maxSnapshotSize;
    }

    /** The compaction rule the options give; fails naming the option when one is out of range. */
    protected Compaction compaction() {
        return new Compaction(compactAfterDeltas, compactAfterBytes);
    }

    /** A codec with the size limit the options give; fails naming the option when it is too small. */
    protected FlowSnapshotCodec codec() {
        return new FlowSnapshotCodec(maxSnapshotSize);
    }
}
