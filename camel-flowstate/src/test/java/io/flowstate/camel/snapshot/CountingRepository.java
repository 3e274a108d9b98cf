package io.flowstate.camel.snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A real repository that counts the loads and writes of runs going through it (for tests of how many round trips an
 * operation costs), and can refuse the next run write that matches a test: the delegate is then not called, as when
 * the database is down.
 */
public final class CountingRepository implements FlowSnapshotRepository {

    private final FlowSnapshotRepository delegate;
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicReference<Predicate<FlowSnapshotDelta>> refuse = new AtomicReference<>();

    public CountingRepository(FlowSnapshotRepository delegate) {
        this.delegate = delegate;
    }

    /** Loads of a run since the last reset. */
    public int loads() {
        return loads.get();
    }

    /** Writes of a run (whole or delta) since the last reset. */
    public int writes() {
        return writes.get();
    }

    public void reset() {
        loads.set(0);
        writes.set(0);
    }

    /** The next delta write that matches {@code which} fails with RepositoryUnavailableException, writing nothing. */
    public void refuseNext(Predicate<FlowSnapshotDelta> which) {
        refuse.set(which);
    }

    @Override
    public long save(FlowSnapshot snapshot, long expectedVersion) {
        writes.incrementAndGet();
        return delegate.save(snapshot, expectedVersion);
    }

    @Override
    public long saveDelta(String executionId, FlowSnapshotDelta delta, long expectedVersion) {
        writes.incrementAndGet();
        Predicate<FlowSnapshotDelta> refused = refuse.get();
        if (refused != null && refused.test(delta) && refuse.compareAndSet(refused, null)) {
            throw new RepositoryUnavailableException("refused by the test: the database is down", null);
        }
        return delegate.saveDelta(executionId, delta, expectedVersion);
    }

    @Override
    public Optional<FlowSnapshot> load(String executionId) {
        loads.incrementAndGet();
        return delegate.load(executionId);
    }

    @Override
    public boolean hasEnded(String executionId) {
        return delegate.hasEnded(executionId);
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public void delete(String executionId, long expectedVersion) {
        delegate.delete(executionId, expectedVersion);
    }

    @Override
    public FlowSnapshotPage find(FlowSnapshotQuery query) {
        return delegate.find(query);
    }

    @Override
    public List<FlowSnapshotSummary> findExpiredLeases(Instant now, int limit) {
        return delegate.findExpiredLeases(now, limit);
    }

    @Override
    public List<FlowSnapshotSummary> findDue(Instant now, int limit) {
        return delegate.findDue(now, limit);
    }

    @Override
    public RunCounts countRuns(Instant now) {
        return delegate.countRuns(now);
    }

    @Override
    public int purgeFinished(Instant finishedBefore) {
        return delegate.purgeFinished(finishedBefore);
    }

    @Override
    public int purgeFinishedBeyond(int maxFinishedRuns) {
        return delegate.purgeFinishedBeyond(maxFinishedRuns);
    }

    @Override
    public Optional<VersionedValue> getValue(String namespace, String key) {
        return delegate.getValue(namespace, key);
    }

    @Override
    public long putValue(String namespace, String key, JsonNode value, long expectedVersion, Instant expiresAt) {
        return delegate.putValue(namespace, key, value, expectedVersion, expiresAt);
    }

    @Override
    public VersionedValue updateValue(
            String namespace, String key, Function<Optional<VersionedValue>, ValueUpdate> change) {
        return delegate.updateValue(namespace, key, change);
    }

    @Override
    public void deleteValue(String namespace, String key, long expectedVersion) {
        delegate.deleteValue(namespace, key, expectedVersion);
    }

    @Override
    public Map<String, VersionedValue> getValues(String namespace) {
        return delegate.getValues(namespace);
    }

    @Override
    public int deleteValues(String namespace) {
        return delegate.deleteValues(namespace);
    }

    @Override
    public int purgeExpiredValues(Instant now) {
        return delegate.purgeExpiredValues(now);
    }

    @Override
    public void build() {
        delegate.build();
    }

    @Override
    public void init() {
        delegate.init();
    }

    @Override
    public void start() {
        delegate.start();
    }

    @Override
    public void stop() {
        delegate.stop();
    }
}
