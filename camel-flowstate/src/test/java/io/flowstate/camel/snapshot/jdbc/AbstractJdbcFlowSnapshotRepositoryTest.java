package io.flowstate.camel.snapshot.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.snapshot.AbstractFlowSnapshotRepositoryTest;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotFormatException;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowSnapshotTooLargeException;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.ValueUpdate;
import io.flowstate.camel.snapshot.ValueVersions;
import io.flowstate.camel.snapshot.VersionedValue;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The repository contract on a real database, plus what only the JDBC repository can get wrong: table prefixes,
 * newer formats in a row, compaction of the deltas table, size limits.
 */
abstract class AbstractJdbcFlowSnapshotRepositoryTest extends AbstractFlowSnapshotRepositoryTest {

    private final List<HikariDataSource> pools = new ArrayList<>();
    protected String tablePrefix;

    private JdbcTestDatabase database;

    /** The database under test. */
    protected abstract JdbcTestDatabase database();

    protected DataSource pool() {
        HikariDataSource ds = database.pool(8, true);
        pools.add(ds);
        return ds;
    }

    protected JdbcFlowSnapshotRepository repositoryOn(DataSource ds) {
        JdbcFlowSnapshotRepository repo = new JdbcFlowSnapshotRepository(ds);
        repo.setTablePrefix(tablePrefix);
        repo.setCompactAfterDeltas(7); // so the contract's delta tests cross several compactions
        return repo;
    }

    @Override
    protected FlowSnapshotRepository createRepository() {
        database = database();
        tablePrefix = database.freshTables();
        return repositoryOn(pool());
    }

    @Override
    protected FlowSnapshotRepository createSecondRepositoryOnSameStore() {
        return repositoryOn(pool());
    }

    @Override
    protected void destroyRepository(FlowSnapshotRepository repository) {
        pools.forEach(HikariDataSource::close);
        pools.clear();
    }

    protected DataSource dataSource() {
        return ((JdbcFlowSnapshotRepository) repository).getDataSource();
    }

    @Override
    protected long lastDeltaBytes(String executionId) throws Exception {
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT delta FROM " + tablePrefix + "run_deltas WHERE execution_id = ? ORDER BY version DESC"
                                                                 + " FETCH FIRST 1 ROWS ONLY")) {
            ps.setString(1, executionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1).getBytes(StandardCharsets.UTF_8).length : -1;
            }
        }
    }

    @Override
    protected long storedBytes(String executionId) throws Exception {
        long bytes = 0;
        try (Connection c = dataSource().getConnection()) {
            for (String sql : new String[] {
                    "SELECT snapshot FROM " + tablePrefix + "runs WHERE execution_id = ?",
                    "SELECT delta FROM " + tablePrefix + "run_deltas WHERE execution_id = ?" }) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, executionId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            bytes += rs.getString(1).getBytes(StandardCharsets.UTF_8).length;
                        }
                    }
                }
            }
        }
        return bytes;
    }

    protected long count(String sql, String id) throws Exception {
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Two repositories on one database, as two nodes have: compare-and-set and claims stay exact across them. */
    @Nested
    class TwoNodesOnOneStore {

        @Test
        void atomicUpdatesOfOneAbsentKeyFromTwoRepositoriesOfEightThreadsAreExactAndNeverFail() throws Exception {
            FlowSnapshotRepository second = createSecondRepositoryOnSameStore();
            second.start();
            try {
                int each = 50;
                AtomicInteger next = new AtomicInteger();
                List<FlowSnapshotRepository> both = List.of(repository, second);

                race(16, () -> {
                    FlowSnapshotRepository mine = both.get(next.getAndIncrement() % 2);
                    for (int i = 0; i < each; i++) {
                        mine.updateValue("counters", "hot", stored -> new ValueUpdate(
                                JSON.numberNode(stored.map(v -> v.value().intValue()).orElse(0) + 1), null));
                    }
                    return null;
                });

                assertThat(second.getValue("counters", "hot").orElseThrow().value().intValue()).isEqualTo(16 * each);
            } finally {
                second.stop();
            }
        }

        @Test
        void twoRepositoriesOnOneStoreGiveAnExactTotal() throws Exception {
            FlowSnapshotRepository second = createSecondRepositoryOnSameStore();
            second.start();
            try {
                int increments = 50;
                AtomicInteger next = new AtomicInteger();
                List<FlowSnapshotRepository> both = List.of(repository, second);

                race(4, () -> {
                    FlowSnapshotRepository mine = both.get(next.getAndIncrement() % 2);
                    for (int i = 0; i < increments; i++) {
                        casIncrement(mine, "counters", "shared");
                    }
                    return null;
                });

                assertThat(repository.getValue("counters", "shared").orElseThrow().value().intValue()).isEqualTo(4 * increments);
                assertThat(second.getValue("counters", "shared").orElseThrow().value().intValue()).isEqualTo(4 * increments);
            } finally {
                second.stop();
            }
        }

        @Test
        void twoRepositoriesOnOneStoreLetExactlyOneClaimARun() throws Exception {
            FlowSnapshotRepository second = createSecondRepositoryOnSameStore();
            second.start();
            try {
                repository.save(run("claim").status(FlowStatus.SUSPENDED).wakeAt(T0).build(), 0);
                AtomicInteger next = new AtomicInteger();
                List<FlowSnapshotRepository> both = List.of(repository, second);

                List<Boolean> won = race(6, () -> {
                    FlowSnapshotRepository mine = both.get(next.getAndIncrement() % 2);
                    try {
                        mine.saveDelta("claim", delta().status(FlowStatus.RUNNING).lease("n", T0.plusSeconds(30)).build(), 1);
                        return true;
                    } catch (FlowSnapshotConflictException e) {
                        return false;
                    }
                });

                assertThat(won).containsOnlyOnce(true);
                assertThat(second.load("claim").orElseThrow().status()).isEqualTo(FlowStatus.RUNNING);
            } finally {
                second.stop();
            }
        }
    }

    @Nested
    class Tables {

        @Test
        void aBadTablePrefixIsRefusedAtStart() {
            JdbcFlowSnapshotRepository bad = new JdbcFlowSnapshotRepository(dataSource());
            bad.setTablePrefix("x; DROP TABLE y; --");

            assertThatThrownBy(bad::start).hasMessageContaining("tablePrefix");
        }

        @Test
        void everyWriteIsCommittedOnAPoolWithoutAutoCommit() throws Exception {
            HikariDataSource manual = database.pool(8, false);
            pools.add(manual);
            JdbcFlowSnapshotRepository onManual = repositoryOn(manual);
            onManual.start();

            onManual.save(run("manual").build(), 0);
            onManual.saveDelta("manual", delta().completedStep("a").build(), 1);
            onManual.putValue("orders", "kept", JSON.numberNode(1), 0);
            long updated = onManual.putValue("orders", "updated", JSON.numberNode(1), 0);
            onManual.putValue("orders", "updated", JSON.numberNode(2), updated);
            long deleted = onManual.putValue("orders", "deleted", JSON.numberNode(1), 0);
            onManual.deleteValue("orders", "deleted", deleted);
            onManual.putValue("other", "cleared", JSON.numberNode(1), 0);
            onManual.deleteValues("other");

            // read through the auto-commit pool: what the manual pool's connections did not commit is gone
            assertThat(loaded("manual").completedSteps()).containsExactly("a");
            assertThat(repository.getValues("orders")).containsOnlyKeys("kept", "updated");
            assertThat(repository.getValue("orders", "updated").orElseThrow().value().intValue()).isEqualTo(2);
            assertThat(repository.getValues("other")).isEmpty();
        }

        @Test
        void aValueRowWrittenFromVersionOneKeepsCountingAndIsCreatedAgainAboveItsVersions() throws Exception {
            try (Connection c = dataSource().getConnection(); Statement st = c.createStatement()) {
                // as stored before first versions were random
                st.execute("INSERT INTO " + tablePrefix + "key_values (value_namespace, value_key, value_json, version)"
                           + " VALUES ('orders', 'total', '7', 3)");
            }

            assertThat(repository.getValue("orders", "total")).contains(new VersionedValue(JSON.numberNode(7), 3));
            assertThat(repository.putValue("orders", "total", JSON.numberNode(8), 3)).isEqualTo(4);
            repository.deleteValue("orders", "total", 4);
            long again = repository.putValue("orders", "total", JSON.numberNode(1), 0);

            assertThat(again).isGreaterThanOrEqualTo(ValueVersions.FIRST_MIN);
            for (long stale = 1; stale <= 4; stale++) {
                long version = stale;
                assertThatThrownBy(() -> repository.putValue("orders", "total", JSON.numberNode(9), version))
                        .isInstanceOf(FlowSnapshotConflictException.class);
            }
            assertThat(repository.getValue("orders", "total")).contains(new VersionedValue(JSON.numberNode(1), again));
        }

        @Test
        void everyCallOfAStoppedRepositoryFailsAsNotStartedAndStoredRunsStay() throws Exception {
            repository.save(run("kept").build(), 0);
            long watermark = repository.putValue("orders", "watermark", JSON.numberNode(1), 0);
            repository.stop();

            List<ThrowingCallable> calls = List.of(
                    () -> repository.save(run("new").build(), 0),
                    () -> repository.saveDelta("kept", delta().completedStep("a").build(), 1),
                    () -> repository.load("kept"),
                    () -> repository.delete("kept", 1),
                    () -> repository.find(FlowSnapshotQuery.builder().build()),
                    () -> repository.findExpiredLeases(T0, 10),
                    () -> repository.findDue(T0, 10),
                    () -> repository.purgeFinished(T0),
                    () -> repository.purgeFinishedBeyond(0),
                    () -> repository.getValue("orders", "watermark"),
                    () -> repository.putValue("orders", "watermark", JSON.numberNode(2), 1),
                    () -> repository.deleteValue("orders", "watermark", 1),
                    () -> repository.getValues("orders"),
                    () -> repository.deleteValues("orders"));
            for (ThrowingCallable call : calls) {
                assertThatThrownBy(call).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("tables " + tablePrefix + "*").hasMessageContaining("is not started");
            }

            repository.start();
            assertThat(loaded("kept").version()).isEqualTo(1);
            assertThat(repository.getValue("orders", "watermark")).get().extracting(v -> v.version()).isEqualTo(watermark);
        }

        @Test
        void theDialectIsDetectedFromTheConnection() {
            assertThat(((JdbcFlowSnapshotRepository) repository).getDialect()).isIn("H2", "POSTGRESQL");
        }

        @Test
        void deltasAreRowsUntilCompactionFoldsThem() throws Exception {
            repository.save(run("rows").build(), 0);
            for (int i = 1; i <= 6; i++) {
                repository.saveDelta("rows", delta().completedStep("s" + i).build(), i);
            }
            String deltas = "SELECT COUNT(*) FROM " + tablePrefix + "run_deltas WHERE execution_id = ?";
            assertThat(count(deltas, "rows")).isEqualTo(6);

            repository.saveDelta("rows", delta().completedStep("s7").build(), 7);

            assertThat(count(deltas, "rows")).isZero();
            assertThat(count("SELECT snapshot_version FROM " + tablePrefix + "runs WHERE execution_id = ?", "rows"))
                    .isEqualTo(8);
            assertThat(loaded("rows").completedSteps()).hasSize(7);
        }

        @Test
        void aDeltaNeverRewritesTheSnapshotColumn() throws Exception {
            ObjectNode state = JSON.objectNode();
            for (int i = 0; i < 200; i++) {
                state.put("key" + i, "value-" + i);
            }
            repository.save(run("big").state(state).build(), 0);
            String snapshotBytes = "SELECT snapshot_bytes FROM " + tablePrefix + "runs WHERE execution_id = ?";
            long before = count(snapshotBytes, "big");

            repository.saveDelta("big", delta().setState("key1", JSON.textNode("x")).build(), 1);

            assertThat(count(snapshotBytes, "big")).isEqualTo(before);
            assertThat(count("SELECT snapshot_version FROM " + tablePrefix + "runs WHERE execution_id = ?", "big"))
                    .isEqualTo(1);
            assertThat(count("SELECT delta_bytes FROM " + tablePrefix + "runs WHERE execution_id = ?", "big"))
                    .isLessThan(200);
        }

        @Test
        void aRowOfANewerFormatIsNeverOverwritten() throws Exception {
            repository.save(run("future").build(), 0);
            try (Connection c = dataSource().getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE " + tablePrefix + "runs SET format_version = 2, snapshot = REPLACE(snapshot,"
                                 + " '\"formatVersion\":1', '\"formatVersion\":2') WHERE execution_id = 'future'");
            }

            assertThatThrownBy(() -> repository.load("future"))
                    .isInstanceOf(FlowSnapshotFormatException.class).hasMessageContaining("format 2");
            assertThatThrownBy(() -> repository.save(run("future").build(), 1))
                    .isInstanceOf(FlowSnapshotFormatException.class).hasMessageContaining("future");
            assertThatThrownBy(() -> repository.saveDelta("future", delta().completedStep("a").build(), 1))
                    .isInstanceOf(FlowSnapshotFormatException.class);
            assertThatThrownBy(() -> repository.delete("future", 1)).isInstanceOf(FlowSnapshotFormatException.class);
            assertThat(count("SELECT version FROM " + tablePrefix + "runs WHERE execution_id = ?", "future")).isEqualTo(1);
        }

        @Test
        void aCorruptRowFailsNamingTheRunWhileOtherRunsLoad() throws Exception {
            repository.save(run("broken").build(), 0);
            repository.save(run("fine").build(), 0);
            try (Connection c = dataSource().getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE " + tablePrefix + "runs SET snapshot = '{\"formatVersion\":1,\"exec'"
                                 + " WHERE execution_id = 'broken'");
            }

            assertThatThrownBy(() -> repository.load("broken"))
                    .isInstanceOf(FlowSnapshotFormatException.class)
                    .hasMessageContaining("broken")
                    .hasMessageContaining(tablePrefix + "runs");
            assertThat(loaded("fine").version()).isEqualTo(1);
        }

        @Test
        void anOversizedSnapshotFailsClearlyAndStoresNothing() {
            JdbcFlowSnapshotRepository small = repositoryOn(dataSource());
            small.setMaxSnapshotSize(4096);
            small.start();
            try {
                small.save(run("big2").build(), 0);
                ObjectNode state = JSON.objectNode().put("blob", "x".repeat(5000));

                assertThatThrownBy(() -> small.save(run("big2").state(state).build(), 1))
                        .isInstanceOf(FlowSnapshotTooLargeException.class)
                        .hasMessageContaining("big2");
                assertThat(small.load("big2").orElseThrow().version()).isEqualTo(1);
            } finally {
                small.stop();
            }
        }
    }
}
