package io.flowstate.camel.snapshot.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.flowstate.camel.snapshot.BusinessKeyClaims;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowSnapshotPage;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.RepositoryChecks;
import io.flowstate.camel.snapshot.RunCounts;
import io.flowstate.camel.snapshot.ValueUpdate;
import io.flowstate.camel.snapshot.ValueVersions;
import io.flowstate.camel.snapshot.VersionedValue;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.Configurer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Keeps runs and persistent values in this JVM's memory: for tests and for flows whose state need not survive a
 * restart. Every write is a compare-and-set on the stored version (never on object identity); JSON is copied in and
 * out, so callers never share nodes with the store. No size limit applies. A business key is claimed by a
 * compare-and-set on a map inside the run's own compare-and-set ({@link BusinessKeyClaims}).
 */
@Metadata(label = "bean",
          description = "Flow snapshot repository that keeps runs and persistent values in memory (lost on restart).",
          annotations = { "interfaceName=io.flowstate.camel.snapshot.FlowSnapshotRepository" })
@Configurer(metadataOnly = true)
@ManagedResource(description = "Memory flow snapshot repository")
public class MemoryFlowSnapshotRepository extends ServiceSupport implements FlowSnapshotRepository {

    private final ConcurrentMap<String, FlowSnapshot> runs = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ConcurrentMap<String, VersionedValue>> values = new ConcurrentHashMap<>();
    private final BusinessKeyClaims businessKeys = new BusinessKeyClaims();

    // ---------------------------------------------------------------- runs

    @Override
    public long save(FlowSnapshot snapshot, long expectedVersion) {
        RepositoryChecks.snapshot(snapshot);
        RepositoryChecks.expectedVersion(expectedVersion);
        String id = RepositoryChecks.executionId(snapshot.executionId());
        FlowSnapshot copy = snapshot.deepCopy().withVersion(expectedVersion + 1);
        runs.compute(id, (k, stored) -> {
            long storedVersion = stored == null ? 0 : stored.version();
            if (storedVersion != expectedVersion) {
                throw RepositoryChecks.runConflict(id, expectedVersion, stored == null ? null : storedVersion);
            }
            return withBusinessKey(id, stored, copy);
        });
        return expectedVersion + 1;
    }

    @Override
    public long saveDelta(String executionId, FlowSnapshotDelta delta, long expectedVersion) {
        String id = RepositoryChecks.executionId(executionId);
        RepositoryChecks.expectedVersion(expectedVersion);
        runs.compute(id, (k, stored) -> {
            if (stored == null || stored.version() != expectedVersion) {
                throw RepositoryChecks.runConflict(id, expectedVersion, stored == null ? null : stored.version());
            }
            return withBusinessKey(id, stored, FlowSnapshotDelta.merge(stored, List.of(delta), expectedVersion + 1, true));
        });
        return expectedVersion + 1;
    }

    @Override
    public Optional<FlowSnapshot> load(String executionId) {
        FlowSnapshot stored = runs.get(RepositoryChecks.executionId(executionId));
        return stored == null ? Optional.empty() : Optional.of(stored.deepCopy());
    }

    @Override
    public void delete(String executionId, long expectedVersion) {
        String id = RepositoryChecks.executionId(executionId);
        runs.compute(id, (k, stored) -> {
            if (stored == null || stored.version() != expectedVersion) {
                throw RepositoryChecks.runConflict(id, expectedVersion, stored == null ? null : stored.version());
            }
            businessKeys.release(id, FlowSnapshotSummary.of(stored));
            return null;
        });
    }

    /** {@code next}, once the business key it holds is claimed and the one {@code stored} held released. */
    private FlowSnapshot withBusinessKey(String id, FlowSnapshot stored, FlowSnapshot next) {
        FlowSnapshotSummary before = stored == null ? null : FlowSnapshotSummary.of(stored);
        FlowSnapshotSummary after = FlowSnapshotSummary.of(next);
        businessKeys.claimBefore(id, before, after);
        businessKeys.releaseAfter(id, before, after);
        return next;
    }

    @Override
    public FlowSnapshotPage find(FlowSnapshotQuery query) {
        return RepositoryChecks.page(summaries(query::matches, RepositoryChecks.CREATION_ORDER), query);
    }

    @Override
    public List<FlowSnapshotSummary> findExpiredLeases(Instant now, int limit) {
        RepositoryChecks.limit(limit);
        return RepositoryChecks.first(summaries(s -> s.leaseExpired(now), RepositoryChecks.LEASE_ORDER), limit);
    }

    @Override
    public List<FlowSnapshotSummary> findDue(Instant now, int limit) {
        RepositoryChecks.limit(limit);
        return RepositoryChecks.first(summaries(s -> s.due(now), RepositoryChecks.WAKE_ORDER), limit);
    }

    @Override
    public RunCounts countRuns(Instant now) {
        RunCounts.Builder counts = RunCounts.builder(now);
        runs.values().forEach(run -> counts.add(FlowSnapshotSummary.of(run)));
        return counts.build();
    }

    @Override
    public int purgeFinished(Instant finishedBefore) {
        List<FlowSnapshotSummary> old = summaries(
                s -> s.status().isFinished() && s.updatedAt().isBefore(finishedBefore), RepositoryChecks.CREATION_ORDER);
        return removeIfUnchanged(old);
    }

    @Override
    public int purgeFinishedBeyond(int maxFinishedRuns) {
        if (maxFinishedRuns < 0) {
            throw new IllegalArgumentException("maxFinishedRuns must be 0 or more, not " + maxFinishedRuns);
        }
        List<FlowSnapshotSummary> finished = summaries(s -> s.status().isFinished(),
                Comparator.comparing(FlowSnapshotSummary::updatedAt).reversed()
                        .thenComparing(FlowSnapshotSummary::executionId));
        if (finished.size() <= maxFinishedRuns) {
            return 0;
        }
        return removeIfUnchanged(finished.subList(maxFinishedRuns, finished.size()));
    }

    /** Removes each run still at the version found, unless its parent holds it (see {@link #heldByParent}). */
    private int removeIfUnchanged(List<FlowSnapshotSummary> candidates) {
        int removed = 0;
        for (FlowSnapshotSummary s : candidates) {
            if (runs.computeIfPresent(s.executionId(),
                    (k, v) -> v.version() == s.version() && !heldByParent(v) ? null : v) == null) {
                removed++;
            }
        }
        return removed;
    }

    /**
     * Whether a run's parent is stored and not finished: the parent re-enters the step that called this inner run
     * (after a resume or a crash) and must find it, or the inner flow's steps would run again.
     */
    private boolean heldByParent(FlowSnapshot run) {
        FlowSnapshot parent = run.parentExecutionId() == null ? null : runs.get(run.parentExecutionId());
        return parent != null && !parent.status().isFinished();
    }

    private List<FlowSnapshotSummary> summaries(
            Predicate<FlowSnapshotSummary> filter, Comparator<FlowSnapshotSummary> order) {
        List<FlowSnapshotSummary> list = new ArrayList<>();
        for (FlowSnapshot s : runs.values()) {
            FlowSnapshotSummary summary = FlowSnapshotSummary.of(s);
            if (filter.test(summary)) {
                list.add(summary);
            }
        }
        list.sort(order);
        return list;
    }

    // ---------------------------------------------------------------- persistent values

    @Override
    public Optional<VersionedValue> getValue(String namespace, String key) {
        RepositoryChecks.namespace(namespace);
        RepositoryChecks.valueKey(key);
        Map<String, VersionedValue> ns = values.get(namespace);
        VersionedValue v = ns == null ? null : ns.get(key);
        return v == null ? Optional.empty() : Optional.of(copyOf(v));
    }

    @Override
    public long putValue(String namespace, String key, JsonNode value, long expectedVersion, Instant expiresAt) {
        RepositoryChecks.namespace(namespace);
        RepositoryChecks.valueKey(key);
        RepositoryChecks.expectedVersion(expectedVersion);
        JsonNode copy = value == null ? NullNode.instance : value.deepCopy();
        long next = ValueVersions.next(expectedVersion); // a key created again does not restart at 1 (ABA)
        values.computeIfAbsent(namespace, n -> new ConcurrentHashMap<>()).compute(key, (k, stored) -> {
            long storedVersion = stored == null ? 0 : stored.version();
            if (storedVersion != expectedVersion) {
                throw RepositoryChecks.valueConflict(namespace, key, expectedVersion, stored == null ? null : storedVersion);
            }
            return new VersionedValue(copy, next, expiresAt);
        });
        return next;
    }

    /** Computes the new value inside the map's atomic compute of the key: concurrent updates of it wait their turn. */
    @Override
    public VersionedValue updateValue(String namespace, String key, Function<Optional<VersionedValue>, ValueUpdate> change) {
        RepositoryChecks.namespace(namespace);
        RepositoryChecks.valueKey(key);
        VersionedValue updated = values.computeIfAbsent(namespace, n -> new ConcurrentHashMap<>()).compute(key, (k, stored) -> {
            ValueUpdate next = change.apply(Optional.ofNullable(stored).map(MemoryFlowSnapshotRepository::copyOf));
            long version = ValueVersions.next(stored == null ? 0 : stored.version());
            return new VersionedValue(next.value().deepCopy(), version, next.expiresAt());
        });
        return copyOf(updated);
    }

    @Override
    public void deleteValue(String namespace, String key, long expectedVersion) {
        RepositoryChecks.namespace(namespace);
        RepositoryChecks.valueKey(key);
        ConcurrentMap<String, VersionedValue> ns = values.computeIfAbsent(namespace, n -> new ConcurrentHashMap<>());
        ns.compute(key, (k, stored) -> {
            if (stored == null || stored.version() != expectedVersion) {
                throw RepositoryChecks.valueConflict(namespace, key, expectedVersion, stored == null ? null : stored.version());
            }
            return null;
        });
    }

    @Override
    public Map<String, VersionedValue> getValues(String namespace) {
        RepositoryChecks.namespace(namespace);
        Map<String, VersionedValue> ns = values.get(namespace);
        if (ns == null) {
            return Map.of();
        }
        Map<String, VersionedValue> copy = new LinkedHashMap<>();
        new TreeMap<>(ns).forEach((k, v) -> copy.put(k, copyOf(v)));
        return copy;
    }

    @Override
    public int deleteValues(String namespace) {
        RepositoryChecks.namespace(namespace);
        Map<String, VersionedValue> ns = values.get(namespace);
        if (ns == null) {
            return 0;
        }
        AtomicLong removed = new AtomicLong();
        for (String key : List.copyOf(ns.keySet())) {
            if (ns.remove(key) != null) {
                removed.incrementAndGet();
            }
        }
        return (int) removed.get();
    }

    @Override
    public int purgeExpiredValues(Instant now) {
        AtomicLong removed = new AtomicLong();
        for (ConcurrentMap<String, VersionedValue> ns : values.values()) {
            for (String key : List.copyOf(ns.keySet())) {
                // one atomic test-and-remove per value: a value written again meanwhile is kept
                ns.computeIfPresent(key, (k, stored) -> {
                    if (!stored.isExpired(now)) {
                        return stored;
                    }
                    removed.incrementAndGet();
                    return null;
                });
            }
        }
        return (int) removed.get();
    }

    private static VersionedValue copyOf(VersionedValue stored) {
        return new VersionedValue(stored.value().deepCopy(), stored.version(), stored.expiresAt());
    }

    /** Number of stored runs. */
    public int size() {
        return runs.size();
    }
}
