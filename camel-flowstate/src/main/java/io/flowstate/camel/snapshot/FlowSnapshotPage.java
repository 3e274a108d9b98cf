package io.flowstate.camel.snapshot;

import java.util.List;

/**
 * One page of a {@link FlowSnapshotQuery}.
 *
 * @param items         the runs, oldest created first (ties by execution id)
 * @param nextPageToken give it to {@link FlowSnapshotQuery.Builder#pageToken(String)} for the next page; null when this
 *                      is the last page
 */
public record FlowSnapshotPage(List<FlowSnapshotSummary> items, String nextPageToken) {

    public FlowSnapshotPage {
        items = List.copyOf(items);
    }

    public boolean hasNext() {
        return nextPageToken != null;
    }
}
