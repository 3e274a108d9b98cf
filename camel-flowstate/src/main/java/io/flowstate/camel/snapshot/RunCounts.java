package io.flowstate.camel.snapshot;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many runs a repository holds, counted at one moment ({@link FlowSnapshotRepository#countRuns}): what the dev
 * console shows and the runs gauge reports.
 *
 * @param at            the {@code now} the due wake-ups and expired leases were counted against
 * @param byFlow        runs by flow id (sorted) then status; a status without runs is left out
 * @param suspended     SUSPENDED runs by what they wait for (the suspend or sleep name, {@link #NOT_NAMED} when the run
 *                      records none), sorted by that name
 * @param dueWakeUps    SUSPENDED runs whose wake-up time is at or before {@code at}: what the next maintenance pass
 *                      continues ({@link FlowSnapshotRepository#findDue})
 * @param expiredLeases RUNNING runs whose lease ended at or before {@code at}: what the next maintenance pass recovers
 *                      ({@link FlowSnapshotRepository#findExpiredLeases})
 */
public record RunCounts(
        Instant at,
        Map<String, Map<FlowStatus, Long>> byFlow,
        Map<String, Waiting> suspended,
        long dueWakeUps,
        long expiredLeases) {

    /** The key of {@link #suspended} for SUSPENDED runs that record no name of what they wait for. */
    public static final String NOT_NAMED = "";

    /**
     * SUSPENDED runs waiting for one thing.
     *
     * @param runs             how many
     * @param oldestUpdatedAt  the earliest {@code updatedAt} among them: when the longest-waiting one suspended
     */
    public record Waiting(long runs, Instant oldestUpdatedAt) {
    }

    public RunCounts {
        Map<String, Map<FlowStatus, Long>> flows = new TreeMap<>();
        byFlow.forEach((flowId, statuses) -> {
            Map<FlowStatus, Long> copy = new EnumMap<>(FlowStatus.class);
            copy.putAll(statuses);
            flows.put(flowId, Collections.unmodifiableMap(copy));
        });
        byFlow = Collections.unmodifiableMap(flows);
        suspended = Collections.unmodifiableMap(new TreeMap<>(suspended));
    }

    /** Runs by status, every status present (0 when none). */
    public Map<FlowStatus, Long> byStatus() {
        Map<FlowStatus, Long> counts = new EnumMap<>(FlowStatus.class);
        for (FlowStatus status : FlowStatus.values()) {
            counts.put(status, 0L);
        }
        byFlow.values().forEach(statuses -> statuses.forEach((status, n) -> counts.merge(status, n, Long::sum)));
        return counts;
    }

    /** All runs stored. */
    public long total() {
        return byFlow.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    }

    public static Builder builder(Instant now) {
        return new Builder(now);
    }

    /** Collects counts: from summaries one by one (repositories that count in memory), or from grouped queries. */
    public static final class Builder {
        private final Instant now;
        private final Map<String, Map<FlowStatus, Long>> byFlow = new TreeMap<>();
        private final Map<String, Waiting> suspended = new TreeMap<>();
        private long dueWakeUps;
        private long expiredLeases;

        private Builder(Instant now) {
            this.now = now;
        }

        /** Counts one run in every count it belongs to. */
        public Builder add(FlowSnapshotSummary run) {
            runs(run.flowId(), run.status(), 1);
            if (run.status() == FlowStatus.SUSPENDED) {
                waiting(run.waitingFor(), 1, run.updatedAt());
            }
            if (run.due(now)) {
                dueWakeUps++;
            }
            if (run.leaseExpired(now)) {
                expiredLeases++;
            }
            return this;
        }

        /** Adds {@code n} runs of a flow in a status. */
        public Builder runs(String flowId, FlowStatus status, long n) {
            byFlow.computeIfAbsent(flowId, f -> new EnumMap<>(FlowStatus.class)).merge(status, n, Long::sum);
            return this;
        }

        /** Adds {@code n} SUSPENDED runs waiting for {@code waitingFor} (null: not named), the oldest updated then. */
        public Builder waiting(String waitingFor, long n, Instant oldestUpdatedAt) {
            suspended.merge(waitingFor == null ? NOT_NAMED : waitingFor, new Waiting(n, oldestUpdatedAt),
                    (a, b) -> new Waiting(a.runs() + b.runs(), earlier(a.oldestUpdatedAt(), b.oldestUpdatedAt())));
            return this;
        }

        public Builder dueWakeUps(long n) {
            dueWakeUps = n;
            return this;
        }

        public Builder expiredLeases(long n) {
            expiredLeases = n;
            return this;
        }

        public RunCounts build() {
            return new RunCounts(now, byFlow, suspended, dueWakeUps, expiredLeases);
        }

        private static Instant earlier(Instant a, Instant b) {
            return a == null ? b : b == null || a.isBefore(b) ? a : b;
        }
    }
}
