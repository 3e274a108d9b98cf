package io.flowstate.camel.snapshot;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.support.Identifiers;

/**
 * A page of stored runs by flow id and/or status, ordered by creation time then execution id. Paging is by key (the
 * last run of a page), so pages neither skip nor repeat runs while other runs are added or removed.
 */
public final class FlowSnapshotQuery {

    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;

    private final String flowId;
    private final Set<FlowStatus> statuses;
    private final int pageSize;
    private final Instant afterCreatedAt;
    private final String afterExecutionId;

    private FlowSnapshotQuery(Builder b) {
        this.flowId = b.flowId == null ? null : Identifiers.requireFlowId(b.flowId);
        this.statuses = Collections.unmodifiableSet(b.statuses.isEmpty()
                ? EnumSet.allOf(FlowStatus.class) : EnumSet.copyOf(b.statuses));
        if (b.pageSize < 1 || b.pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("The page size must be 1 to " + MAX_PAGE_SIZE + ", not " + b.pageSize);
        }
        this.pageSize = b.pageSize;
        if (b.pageToken == null) {
            this.afterCreatedAt = null;
            this.afterExecutionId = null;
        } else {
            int colon = b.pageToken.indexOf(':');
            try {
                this.afterCreatedAt = Instant.EPOCH.plus(Long.parseLong(b.pageToken.substring(0, colon)), ChronoUnit.MICROS);
                this.afterExecutionId = Identifiers.requireExecutionId(b.pageToken.substring(colon + 1));
            } catch (RuntimeException e) {
                throw new FlowStateException("The page token is not one a previous page returned: use the page's nextPageToken as it is", e);
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The token of the page after the given last item. */
    public static String pageTokenAfter(FlowSnapshotSummary last) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, last.createdAt()) + ":" + last.executionId();
    }

    /** The flow id, null for all flows. */
    public String flowId() {
        return flowId;
    }

    /** The statuses to find, never empty (all when none was given). */
    public Set<FlowStatus> statuses() {
        return statuses;
    }

    public int pageSize() {
        return pageSize;
    }

    /** The creation time of the last run of the previous page, null on the first page. */
    public Instant afterCreatedAt() {
        return afterCreatedAt;
    }

    /** The execution id of the last run of the previous page, null on the first page. */
    public String afterExecutionId() {
        return afterExecutionId;
    }

    /** Whether a run belongs to this query (flow, status and after the page token). */
    public boolean matches(FlowSnapshotSummary s) {
        if (flowId != null && !flowId.equals(s.flowId())) {
            return false;
        }
        if (!statuses.contains(s.status())) {
            return false;
        }
        if (afterCreatedAt != null) {
            int c = s.createdAt().compareTo(afterCreatedAt);
            return c > 0 || c == 0 && s.executionId().compareTo(afterExecutionId) > 0;
        }
        return true;
    }

    public static final class Builder {
        private String flowId;
        private final Set<FlowStatus> statuses = EnumSet.noneOf(FlowStatus.class);
        private int pageSize = DEFAULT_PAGE_SIZE;
        private String pageToken;

        private Builder() {
        }

        public Builder flowId(String flowId) {
            this.flowId = flowId;
            return this;
        }

        /** Adds statuses to find; none given finds every status. */
        public Builder status(FlowStatus... statuses) {
            Collections.addAll(this.statuses, statuses);
            return this;
        }

        public Builder statuses(Collection<FlowStatus> statuses) {
            this.statuses.addAll(statuses);
            return this;
        }

        /** 1 to {@value #MAX_PAGE_SIZE}, default {@value #DEFAULT_PAGE_SIZE}. */
        public Builder pageSize(int pageSize) {
            this.pageSize = pageSize;
            return this;
        }

        /** The previous page's {@link FlowSnapshotPage#nextPageToken()}; null for the first page. */
        public Builder pageToken(String pageToken) {
            this.pageToken = pageToken;
            return this;
        }

        public FlowSnapshotQuery build() {
            return new FlowSnapshotQuery(this);
        }
    }
}
