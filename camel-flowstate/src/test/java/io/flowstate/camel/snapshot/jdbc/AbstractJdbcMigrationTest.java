package io.flowstate.camel.snapshot.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.VersionedValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The schema's ordered migrations on a real database: tables of each release before the version table (created here
 * with that release's DDL) are brought up to date at start and keep their rows; the version table records each
 * migration once; nodes starting at once apply each migration once between them.
 */
abstract class AbstractJdbcMigrationTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final List<Integer> ALL = JdbcMigrations.MIGRATIONS.stream().map(JdbcMigrations.Migration::version)
            .toList();
    /** Each migration recorded once. */
    private static final Map<Integer, Integer> ONCE = ALL.stream()
            .collect(java.util.stream.Collectors.toMap(v -> v, v -> 1));

    private final List<HikariDataSource> pools = new ArrayList<>();
    private final List<JdbcFlowSnapshotRepository> started = new ArrayList<>();
    private String prefix;
    private DataSource dataSource;

    private JdbcTestDatabase database;

    /** The database under test. */
    protected abstract JdbcTestDatabase database();

    @BeforeEach
    void freshTables() {
        database = database();
        prefix = database.freshTables();
        dataSource = pool();
    }

    @AfterEach
    void close() {
        started.forEach(JdbcFlowSnapshotRepository::stop);
        pools.forEach(HikariDataSource::close);
    }

    private HikariDataSource pool() {
        return pool(true);
    }

    private HikariDataSource pool(boolean autoCommit) {
        HikariDataSource pool = database.pool(4, autoCommit);
        pools.add(pool);
        return pool;
    }

    private JdbcFlowSnapshotRepository repository(DataSource ds, boolean createSchema) {
        JdbcFlowSnapshotRepository repository = new JdbcFlowSnapshotRepository(ds);
        repository.setTablePrefix(prefix);
        repository.setCreateSchema(createSchema);
        return repository;
    }

    private JdbcFlowSnapshotRepository start(DataSource ds) {
        JdbcFlowSnapshotRepository repository = repository(ds, true);
        repository.start();
        started.add(repository);
        return repository;
    }

    private JdbcMigrator migrator(DataSource ds) {
        return new JdbcMigrator(new JdbcAccess(ds, prefix), new JdbcSchema(prefix), database.dialect(), JdbcMigrations.MIGRATIONS);
    }

    /** Version to the number of rows recording it. */
    private Map<Integer, Integer> recorded() throws SQLException {
        Map<Integer, Integer> counts = new TreeMap<>();
        try (Connection c = dataSource.getConnection()) {
            for (int version : JdbcAccess.query(c, "SELECT version FROM " + prefix + "schema_version", rs -> rs.getInt(1))) {
                counts.merge(version, 1, Integer::sum);
            }
        }
        return counts;
    }

    private static FlowSnapshot.Builder run(String id) {
        return FlowSnapshot.builder().executionId(id).flowId("orders").createdAt(T0);
    }

    @Test
    void aFreshDatabaseGetsEveryMigrationRecordedOnceAndALaterStartAppliesNone() throws Exception {
        assertThat(migrator(dataSource).migrate()).isEqualTo(ALL);
        assertThat(recorded()).isEqualTo(ONCE);

        assertThat(migrator(dataSource).migrate()).isEmpty();
        JdbcFlowSnapshotRepository repository = start(dataSource);
        repository.save(run("r1").build(), 0);

        assertThat(recorded()).isEqualTo(ONCE);
        assertThat(repository.load("r1")).isPresent();
    }

    @Test
    void aPoolWithoutAutoCommitGetsTheMigrationsCommitted() throws Exception {
        start(pool(false)).save(run("r1").build(), 0);

        // read through the auto-commit pool: what the manual pool's connections did not commit is gone
        assertThat(recorded()).isEqualTo(ONCE);
        assertThat(start(dataSource).load("r1")).isPresent();
    }

    @ParameterizedTest(name = "release {0}")
    @ValueSource(ints = { 1, 2, 3 })
    void tablesOfAReleaseBeforeTheVersionTableAreBroughtUpToDateAtStartAndKeepTheirRows(int release) throws Exception {
        EarlierReleaseTables earlier = new EarlierReleaseTables(prefix, database.dialect(), release);
        FlowSnapshot done = run("done").status(FlowStatus.COMPLETED).updatedAt(T0.plusSeconds(5)).build();
        FlowSnapshot waiting = run("waiting").status(FlowStatus.SUSPENDED).waitingFor("approval")
                .wakeAt(T0.plusSeconds(3600)).build();
        FlowSnapshotDelta step = FlowSnapshotDelta.builder().updatedAt(T0.plusSeconds(9)).completedStep("a")
                .setState("total", JSON.numberNode(7)).build();
        try (Connection c = dataSource.getConnection()) {
            earlier.create(c);
            earlier.insertRun(c, done);
            earlier.insertRun(c, waiting);
            earlier.insertDelta(c, "waiting", step);
            earlier.insertValue(c, "orders", "watermark", "{\"seen\":3}", 4);
        }

        JdbcFlowSnapshotRepository repository = start(dataSource);

        assertThat(recorded()).isEqualTo(ONCE);
        assertThat(repository.load("done")).contains(done.withVersion(1));
        assertThat(repository.load("waiting")).contains(step.applyTo(waiting, 2));
        assertThat(repository.getValue("orders", "watermark"))
                .contains(new VersionedValue(JSON.objectNode().put("seen", 3), 4));
        try (Connection c = dataSource.getConnection()) {
            SchemaEditor tables = new SchemaEditor(c, new JdbcSchema(prefix), database.dialect());
            assertThat(tables.indexColumns(prefix + "runs", prefix + "runs_finished")).containsExactly("finished_at");
            assertThat(tables.indexColumns(prefix + "runs", prefix + "runs_lease")).containsExactly("lease_expires_at");
            assertThat(tables.indexColumns(prefix + "runs", prefix + "runs_counts"))
                    .containsExactly("flow_id", "status", "waiting_for");
            assertThat(tables.indexColumns(prefix + "runs", prefix + "runs_waiting")).containsExactly("waiting_for");
            assertThat(tables.columnType(prefix + "run_deltas", "delta")).isNotEqualTo(Types.CLOB);
            assertThat(tables.columnType(prefix + "runs", "snapshot")).isNotEqualTo(Types.CLOB);
            assertThat(tables.hasColumn(prefix + "runs", "parent_execution_id")).isTrue();
            assertThat(tables.indexColumns(prefix + "key_values", prefix + "key_values_expiry"))
                    .containsExactly("expires_at");
        }
        // a value of the earlier release never expires, and is kept by the purge of expired values
        assertThat(repository.purgeExpiredValues(T0.plus(Duration.ofDays(365)))).isZero();
        // the finished run got its finished_at: purged by age; the waiting one is due and takes checkpoints
        assertThat(repository.findDue(T0.plus(Duration.ofDays(1)), 10)).extracting(s -> s.executionId())
                .containsExactly("waiting");
        assertThat(repository.saveDelta("waiting", FlowSnapshotDelta.builder().updatedAt(T0.plusSeconds(60)).completedStep("b").build(), 2))
                .isEqualTo(3);
        assertThat(repository.purgeFinished(T0.plus(Duration.ofDays(1)))).isEqualTo(1);
        assertThat(repository.load("done")).isEmpty();
        assertThat(repository.load("waiting").orElseThrow().completedSteps()).containsExactly("a", "b");
    }

    @Test
    void rowsWrittenBeforeTheParentColumnPurgeAsBeforeWhileNewInnerRunsAreHeldByTheirParent() throws Exception {
        EarlierReleaseTables earlier = new EarlierReleaseTables(prefix, database.dialect(), 2);
        try (Connection c = dataSource.getConnection()) {
            earlier.create(c);
            earlier.insertRun(c, run("parent-1").status(FlowStatus.SUSPENDED).waitingFor("approval").build());
            earlier.insertRun(c, run("inner-old").parentExecutionId("parent-1").status(FlowStatus.COMPLETED).build());
        }
        JdbcFlowSnapshotRepository repository = start(dataSource);
        repository.save(run("inner-new").parentExecutionId("parent-1").status(FlowStatus.COMPLETED).build(), 0);

        // the old row has no parent in its columns: purged as before; the new one is held by its parent
        assertThat(repository.purgeFinished(T0.plus(Duration.ofDays(30)))).isEqualTo(1);
        assertThat(repository.load("inner-old")).isEmpty();
        assertThat(repository.load("inner-new")).isPresent();
        assertThat(repository.load("parent-1")).isPresent();
    }

    @Test
    void withoutCreateSchemaTablesOfAnEarlierReleaseAreRefusedSayingWhatToDoAndLeftAsTheyAre() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            new EarlierReleaseTables(prefix, database.dialect(), 2).create(c);
        }
        JdbcFlowSnapshotRepository unchanged = repository(dataSource, false);

        assertThatThrownBy(unchanged::start).hasMessageContaining(prefix + "runs")
                .hasMessageContaining("parent_execution_id").hasMessageContaining("createSchema=true");
        try (Connection c = dataSource.getConnection()) {
            SchemaEditor tables = new SchemaEditor(c, new JdbcSchema(prefix), database.dialect());
            assertThat(tables.hasColumn(prefix + "runs", "parent_execution_id")).isFalse();
            assertThat(tables.hasColumn(prefix + "schema_version", "version")).isFalse();
        }
    }

    /**
     * Two nodes arrive while a third holds migration 1 (its row inserted, not committed); that node fails, so the two
     * race for every migration: each is applied by one of them, and recorded once.
     */
    @Test
    void nodesStartingAtOnceApplyEachMigrationOnceBetweenThem() throws Exception {
        migrator(dataSource).createVersionTable();
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            JdbcAccess.update(holder, "INSERT INTO " + prefix + "schema_version (version, description, applied_at)"
                                      + " VALUES (1, 'held by a node that fails', ?)",
                    T0);
            Future<List<Integer>> a = nodes.submit(() -> migrator(pool()).migrate());
            Future<List<Integer>> b = nodes.submit(() -> migrator(pool()).migrate());
            try (Connection observer = dataSource.getConnection()) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> database.sessionsWaitingToInsertInto(observer, prefix + "schema_version") == 2);
            }
            holder.rollback();

            List<Integer> applied = new ArrayList<>(a.get(2, TimeUnit.MINUTES));
            applied.addAll(b.get(2, TimeUnit.MINUTES));
            assertThat(applied).containsExactlyInAnyOrderElementsOf(ALL);
        } finally {
            nodes.shutdownNow();
        }
        assertThat(recorded()).isEqualTo(ONCE);
    }

    @Test
    void twoRepositoriesStartingAtOnceOnAFreshDatabaseBothStartAndShareTheRuns() throws Exception {
        JdbcFlowSnapshotRepository a = repository(pool(), true);
        JdbcFlowSnapshotRepository b = repository(pool(), true);
        started.add(a);
        started.add(b);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> starts = new ArrayList<>();
            for (JdbcFlowSnapshotRepository repository : List.of(a, b)) {
                starts.add(nodes.submit(() -> {
                    go.await();
                    repository.start();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> start : starts) {
                start.get(2, TimeUnit.MINUTES);
            }
        } finally {
            nodes.shutdownNow();
        }

        assertThat(recorded()).isEqualTo(ONCE);
        a.save(run("shared").build(), 0);
        assertThat(b.load("shared")).isPresent();
    }
}
