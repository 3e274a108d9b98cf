package io.flowstate.camel.snapshot.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.snapshot.Compaction;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Group commit on the real PostgreSQL server (fsync and synchronous_commit on): checkpoints beyond the threshold share
 * transactions, each keeping its own compare-and-set; a checkpoint the database refuses inside a group is written again
 * alone, and the group's other checkpoints are kept.
 */
class PostgresGroupCommitTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private final JdbcTestDatabase database = JdbcTestDatabase.postgres();
    private HikariDataSource pool;
    private String prefix;
    private JdbcFlowSnapshotRepository repository;
    private JdbcRuns runs;

    @BeforeEach
    void start() {
        prefix = database.freshTables();
        pool = database.pool(24, true);
        repository = new JdbcFlowSnapshotRepository(pool);
        repository.setTablePrefix(prefix);
        repository.start();
        runs = new JdbcRuns(new JdbcAccess(pool, prefix), new JdbcSchema(prefix), JdbcDialect.POSTGRESQL,
                new FlowSnapshotCodec(), new Compaction(1000, 64 * 1024), 8);
    }

    @AfterEach
    void stop() {
        repository.stop();
        pool.close();
    }

    private static FlowSnapshot run(String id) {
        return FlowSnapshot.builder().executionId(id).flowId("orders").routeId("orders-route")
                .status(FlowStatus.RUNNING).createdAt(T0).updatedAt(T0)
                .input(JsonNodeFactory.instance.objectNode().put("body", "order"))
                .state(JsonNodeFactory.instance.objectNode().put("count", 0)).build();
    }

    private static FlowSnapshotDelta count(int n) {
        return FlowSnapshotDelta.builder().updatedAt(T0.plusSeconds(n)).setState("count", IntNode.valueOf(n))
                .result("step-" + n, IntNode.valueOf(n)).completedStep("step-" + n).build();
    }

    private int storedCount(String id) {
        return repository.load(id).orElseThrow().state().get("count").asInt();
    }

    @Test
    void eachCheckpointOfAGroupKeepsItsOwnCompareAndSet() {
        long a = repository.save(run("run-a"), 0);
        long b = repository.save(run("run-b"), 0);
        long c = repository.save(run("run-c"), 0);

        List<GroupCommit.Outcome<long[]>> outcomes = runs.writeTogether(List.of(
                runs.append("run-a", count(1), a), runs.append("run-b", count(1), b - 1 + 5),
                runs.append("run-c", count(1), c), runs.append("run-absent", count(1), 1)));

        assertThat(outcomes.get(0).failure()).isNull();
        assertThat(outcomes.get(1).failure()).isInstanceOf(FlowSnapshotConflictException.class)
                .hasMessageContaining("run-b");
        assertThat(outcomes.get(2).failure()).isNull();
        assertThat(outcomes.get(3).failure()).isInstanceOf(FlowSnapshotConflictException.class)
                .hasMessageContaining("run-absent");
        assertThat(storedCount("run-a")).isEqualTo(1);
        assertThat(repository.load("run-a").orElseThrow().version()).isEqualTo(a + 1);
        assertThat(storedCount("run-b")).isZero();
        assertThat(repository.load("run-b").orElseThrow().version()).isEqualTo(b);
        assertThat(storedCount("run-c")).isEqualTo(1);
        assertThat(repository.load("run-absent")).isEmpty();
    }

    @Test
    void aCheckpointTheDatabaseRefusesInAGroupIsWrittenAloneAndTheOthersAreKept() throws Exception {
        long a = repository.save(run("run-a"), 0);
        long b = repository.save(run("run-b"), 0);
        // a delta row at run-b's next version, left by no camel-flowstate: its insert fails with a duplicate key,
        // which aborts the group's transaction
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO " + prefix + "run_deltas (execution_id, version, delta)"
                             + " VALUES ('run-b', " + (b + 1) + ", '{}')");
        }

        List<GroupCommit.Outcome<long[]>> outcomes = runs.writeTogether(List.of(
                runs.append("run-a", count(1), a), runs.append("run-b", count(1), b)));

        assertThat(outcomes.get(0).failure()).isNull();
        assertThat(outcomes.get(1).failure()).isInstanceOf(FlowSnapshotConflictException.class);
        assertThat(storedCount("run-a")).isEqualTo(1);
        assertThat(repository.load("run-a").orElseThrow().version()).isEqualTo(a + 1);
        assertThat(storedCount("run-b")).isZero();
    }

    @Test
    void concurrentCheckpointsShareCommitsAndEveryRunIsExact() throws Exception {
        int threads = 16;
        int steps = 150;
        for (int t = 0; t < threads; t++) {
            repository.save(run("run-" + t), 0);
        }
        long commitsBefore = commits();
        AtomicInteger staleRefused = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String id = "run-" + t;
            done.add(executor.submit(() -> {
                go.await();
                long version = 1;
                for (int n = 1; n <= steps; n++) {
                    if (n % 10 == 0) {
                        try {
                            repository.saveDelta(id, count(-1), version - 1); // a stale version: refused alone
                        } catch (FlowSnapshotConflictException e) {
                            staleRefused.incrementAndGet();
                        }
                    }
                    version = repository.saveDelta(id, count(n), version);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
        executor.shutdown();
        long commits = commits() - commitsBefore;

        for (int t = 0; t < threads; t++) {
            FlowSnapshot stored = repository.load("run-" + t).orElseThrow();
            assertThat(stored.state().get("count").asInt()).isEqualTo(steps);
            assertThat(stored.completedSteps()).hasSize(steps);
            assertThat(stored.version()).isEqualTo(1 + steps);
        }
        assertThat(staleRefused).hasValue(threads * steps / 10);
        // 16 writers, 8 written alone at a time: the others shared groups, so fewer transactions than checkpoints
        assertThat(commits).isLessThan(threads * steps);
    }

    @Test
    void aNegativeThresholdIsRefusedAtStart() {
        JdbcFlowSnapshotRepository bad = new JdbcFlowSnapshotRepository(pool);
        bad.setTablePrefix(prefix);
        bad.setGroupCommitThreshold(-1);

        assertThatThrownBy(bad::start).hasMessageContaining("groupCommitThreshold must be 0 or more, not -1");
    }

    /**
     * The next transaction id: every transaction that writes takes one (and so does this query), so the difference
     * between two calls counts the writing transactions in between.
     */
    private long commits() throws Exception {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT txid_current()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
