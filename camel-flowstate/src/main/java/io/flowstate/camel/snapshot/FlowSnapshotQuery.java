package io.flowstate.camel.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.StringJoiner;

import io.flowstate.camel.support.BusinessKeys;
import io.flowstate.camel.support.Identifiers;
import io.flowstate.camel.support.InvalidIdentifierException;

/**
 * A page of stored runs chosen by filters (all optional, all must hold): flow, status (one or several), what a
 * suspended run waits for, business key, creation time range, last update before a time, lease owner. Ordered by
 * creation time then execution id, oldest first. Paging is by key (the last run of a page, in an opaque
 * {@linkplain FlowSnapshotPage#nextPageToken() page token}), so pages neither skip nor repeat runs while other runs
 * are added or removed, and a page costs the same however deep into the runs it is.
 */
public final class FlowSnapshotQuery {

    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;

    private final String flowId;
    private final Set<FlowStatus> statuses;
    private final String waitingFor;
    private final String businessKey;
    private final Instant startedAfter;
    private final Instant startedBefore;
    private final Instant updatedBefore;
    private final String leaseOwner;
    private final int pageSize;
    private final Instant asOf;
    private final long fingerprint;
    private final RunPageToken after;

    private FlowSnapshotQuery(Builder b) {
        this.flowId = b.flowId == null ? null : Identifiers.requireFlowId(b.flowId);
        this.statuses = Collections.unmodifiableSet(b.statuses.isEmpty()
                ? EnumSet.allOf(FlowStatus.class) : EnumSet.copyOf(b.statuses));
        this.waitingFor = name("waitingFor", b.waitingFor);
        this.businessKey = b.businessKey == null ? null : BusinessKeys.require(b.businessKey);
        this.startedAfter = FlowSnapshot.micros(b.startedAfter);
        this.startedBefore = FlowSnapshot.micros(b.startedBefore);
        this.leaseOwner = name("leaseOwner", b.leaseOwner);
        if (b.pageSize < 1 || b.pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("The page size (limit) must be 1 to " + MAX_PAGE_SIZE + ", not "
                                               + b.pageSize);
        }
        if (b.updatedAgo != null && b.updatedAgo.isNegative()) {
            throw new IllegalArgumentException("updatedBefore must be an instant or a positive duration (that long"
                                               + " ago), not " + b.updatedAgo);
        }
        this.pageSize = b.pageSize;
        this.fingerprint = RunPageToken.fingerprint(canonical(b));
        this.after = b.pageToken == null ? null : RunPageToken.decode(b.pageToken, fingerprint, describe(b));
        this.asOf = after != null ? after.asOf() : FlowSnapshot.micros(b.asOf != null ? b.asOf : Instant.now());
        this.updatedBefore = b.updatedAgo != null ? asOf.minus(b.updatedAgo) : FlowSnapshot.micros(b.updatedBefore);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The token of the page after {@code last}, the last run of a page of this query. */
    public String pageTokenAfter(FlowSnapshotSummary last) {
        return new RunPageToken(last.createdAt(), last.executionId(), asOf, fingerprint).encode();
    }

    /** The flow id, null for all flows. */
    public String flowId() {
        return flowId;
    }

    /** The statuses to find, never empty (all when none was given). */
    public Set<FlowStatus> statuses() {
        return statuses;
    }

    /** What a suspended run waits for (a suspend's name), null for any. */
    public String waitingFor() {
        return waitingFor;
    }

    /** The business key, null for any. */
    public String businessKey() {
        return businessKey;
    }

    /** Runs created after this instant (exclusive), null for no bound. */
    public Instant startedAfter() {
        return startedAfter;
    }

    /** Runs created before this instant (exclusive), null for no bound. */
    public Instant startedBefore() {
        return startedBefore;
    }

    /** Runs last updated before this instant (exclusive; a duration was resolved against the first page's time). */
    public Instant updatedBefore() {
        return updatedBefore;
    }

    /** The node holding the runs' lease, null for any. */
    public String leaseOwner() {
        return leaseOwner;
    }

    public int pageSize() {
        return pageSize;
    }

    /** The creation time of the last run of the previous page, null on the first page. */
    public Instant afterCreatedAt() {
        return after == null ? null : after.afterCreatedAt();
    }

    /** The execution id of the last run of the previous page, null on the first page. */
    public String afterExecutionId() {
        return after == null ? null : after.afterExecutionId();
    }

    /** Whether a run belongs to this query: every filter holds, and it comes after the page token. */
    public boolean matches(FlowSnapshotSummary s) {
        return (flowId == null || flowId.equals(s.flowId()))
                && statuses.contains(s.status())
                && (waitingFor == null || waitingFor.equals(s.waitingFor()))
                && (businessKey == null || businessKey.equals(s.businessKey()))
                && (startedAfter == null || s.createdAt().isAfter(startedAfter))
                && (startedBefore == null || s.createdAt().isBefore(startedBefore))
                && (updatedBefore == null || s.updatedAt().isBefore(updatedBefore))
                && (leaseOwner == null || leaseOwner.equals(s.leaseOwner()))
                && isAfterToken(s);
    }

    private boolean isAfterToken(FlowSnapshotSummary s) {
        if (after == null) {
            return true;
        }
        int c = s.createdAt().compareTo(after.afterCreatedAt());
        return c > 0 || c == 0 && s.executionId().compareTo(after.afterExecutionId()) > 0;
    }

    /** The filters as written, one text for one query whatever the order they were given in: what tokens are bound to. */
    private static String canonical(Builder b) {
        return "flow=" + b.flowId + "\nstatus=" + EnumSet.copyOf(b.statuses.isEmpty()
                ? EnumSet.allOf(FlowStatus.class) : b.statuses)
               + "\nwaitingFor=" + b.waitingFor + "\nbusinessKey=" + b.businessKey
               + "\nstartedAfter=" + FlowSnapshot.micros(b.startedAfter)
               + "\nstartedBefore=" + FlowSnapshot.micros(b.startedBefore)
               + "\nupdatedBefore=" + (b.updatedAgo != null ? b.updatedAgo : FlowSnapshot.micros(b.updatedBefore))
               + "\nleaseOwner=" + b.leaseOwner;
    }

    /** The filters given, for messages. */
    private static String describe(Builder b) {
        StringJoiner filters = new StringJoiner(", ");
        add(filters, "flow", b.flowId);
        add(filters, "status", b.statuses.isEmpty() ? null : EnumSet.copyOf(b.statuses));
        add(filters, "waitingFor", b.waitingFor);
        add(filters, "businessKey", b.businessKey);
        add(filters, "startedAfter", b.startedAfter);
        add(filters, "startedBefore", b.startedBefore);
        add(filters, "updatedBefore", b.updatedAgo != null ? b.updatedAgo : b.updatedBefore);
        add(filters, "leaseOwner", b.leaseOwner);
        return filters.length() == 0 ? "no filters" : filters.toString();
    }

    private static void add(StringJoiner filters, String name, Object value) {
        if (value != null) {
            filters.add(name + "=" + value);
        }
    }

    /** A name compared with a stored one (waitingFor, leaseOwner): bound as a parameter, checked for length only. */
    private static String name(String option, String value) {
        if (value == null) {
            return null;
        }
        if (value.isEmpty() || value.length() > FlowSnapshot.MAX_NAME_LENGTH
                || value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidIdentifierException("The " + option + " filter '" + value.replaceAll("\\p{Cntrl}", "?")
                                                 + "' is not valid: give 1 to " + FlowSnapshot.MAX_NAME_LENGTH
                                                 + " characters without control characters");
        }
        return value;
    }

    public static final class Builder {
        private String flowId;
        private final Set<FlowStatus> statuses = EnumSet.noneOf(FlowStatus.class);
        private String waitingFor;
        private String businessKey;
        private Instant startedAfter;
        private Instant startedBefore;
        private Instant updatedBefore;
        private Duration updatedAgo;
        private String leaseOwner;
        private int pageSize = DEFAULT_PAGE_SIZE;
        private String pageToken;
        private Instant asOf;

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

        /** Runs waiting in the suspend step of this name. */
        public Builder waitingFor(String waitingFor) {
            this.waitingFor = waitingFor;
            return this;
        }

        public Builder businessKey(String businessKey) {
            this.businessKey = businessKey;
            return this;
        }

        /** Runs created after this instant (exclusive). */
        public Builder startedAfter(Instant startedAfter) {
            this.startedAfter = startedAfter;
            return this;
        }

        /** Runs created before this instant (exclusive). */
        public Builder startedBefore(Instant startedBefore) {
            this.startedBefore = startedBefore;
            return this;
        }

        /** Runs last updated before this instant (exclusive). */
        public Builder updatedBefore(Instant updatedBefore) {
            this.updatedBefore = updatedBefore;
            this.updatedAgo = null;
            return this;
        }

        /** Runs last updated longer than {@code ago} before the first page was asked (see {@link #asOf}). */
        public Builder updatedBefore(Duration ago) {
            this.updatedAgo = ago;
            this.updatedBefore = null;
            return this;
        }

        public Builder leaseOwner(String leaseOwner) {
            this.leaseOwner = leaseOwner;
            return this;
        }

        /** 1 to {@value #MAX_PAGE_SIZE}, default {@value #DEFAULT_PAGE_SIZE}. */
        public Builder pageSize(int pageSize) {
            this.pageSize = pageSize;
            return this;
        }

        /**
         * The previous page's {@link FlowSnapshotPage#nextPageToken()}; null for the first page. It must come from a
         * query with the same filters.
         */
        public Builder pageToken(String pageToken) {
            this.pageToken = pageToken;
            return this;
        }

        /**
         * The time a duration filter counts back from on the first page (default: now, e.g. the component's clock);
         * later pages use the first page's time, which their token carries.
         */
        public Builder asOf(Instant asOf) {
            this.asOf = asOf;
            return this;
        }

        /**
         * @throws IllegalArgumentException or {@link io.flowstate.camel.FlowStateException} naming the filter or token
         *                                  that is not valid
         */
        public FlowSnapshotQuery build() {
            return new FlowSnapshotQuery(this);
        }
    }
}
