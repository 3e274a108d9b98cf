package io.flowstate.camel.snapshot.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository contract on H2 in file mode with {@code WRITE_DELAY=0}, a fresh database per test; and what only H2
 * needs checking: its indexes are plain ones, so the maintenance finds must not read through the other runs.
 */
class H2FlowSnapshotRepositoryTest extends AbstractJdbcFlowSnapshotRepositoryTest {

    @TempDir
    static Path tempDir;

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Pattern SCAN_COUNT = Pattern.compile("scanCount: (\\d+)");
    private String url;

    @Override
    protected String freshTablePrefix() {
        url = "jdbc:h2:file:" + tempDir.resolve("db-" + COUNTER.incrementAndGet()).resolve("flowstate") + ";WRITE_DELAY=0";
        return "flowstate_";
    }

    @Override
    protected String jdbcUrl() {
        return url;
    }

    @Override
    protected String user() {
        return "sa";
    }

    /**
     * H2's index on a lease, wake-up or finish time holds a null entry for every run that has none. A maintenance
     * pass runs these finds every recovery interval: if they read through those entries, each pass costs time in
     * proportion to all stored runs (100 ms per pass with 100,000 suspended runs, before the fix).
     */
    @Test
    void maintenanceFindsReadOnlyTheRunsTheyMayReturn() throws Exception {
        int others = 300;
        for (int i = 0; i < others; i++) {
            repository.save(run("waiting-" + i).status(FlowStatus.SUSPENDED).waitingFor("approval").build(), 0);
        }
        repository.save(run("expired").leaseOwner("node-a").leaseExpiresAt(T0).build(), 0);
        repository.save(run("due").status(FlowStatus.SUSPENDED).waitingFor("timer").wakeAt(T0).build(), 0);
        repository.save(run("done").status(FlowStatus.COMPLETED).build(), 0);
        Instant now = T0.plusSeconds(60);
        JdbcFlowSnapshotRepository jdbc = (JdbcFlowSnapshotRepository) repository;

        assertThat(repository.findExpiredLeases(now, 100)).extracting(FlowSnapshotSummary::executionId)
                .containsExactly("expired");
        assertThat(repository.findDue(now, 100)).extracting(FlowSnapshotSummary::executionId).containsExactly("due");
        assertThat(scanCount(jdbc.findBeforeSql(FlowStatus.RUNNING, "lease_expires_at"), now, 100)).isLessThan(10);
        assertThat(scanCount(jdbc.findBeforeSql(FlowStatus.SUSPENDED, "wake_at"), now, 100)).isLessThan(10);
        assertThat(scanCount(jdbc.purgeRunsSql(), now, null)).isLessThan(10);
        assertThat(repository.load("done")).as("EXPLAIN ANALYZE ran the purge").isEmpty();
        assertThat(repository.load("waiting-0")).isPresent();
    }

    /** Runs {@code EXPLAIN ANALYZE} of the statement (parameters: the earliest bound, {@code upTo}, limit). */
    private int scanCount(String sql, Instant upTo, Integer limit) throws Exception {
        try (Connection c = dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("EXPLAIN ANALYZE " + sql)) {
            JdbcFlowSnapshotRepository.instant(ps, 1, JdbcFlowSnapshotRepository.EARLIEST);
            JdbcFlowSnapshotRepository.instant(ps, 2, upTo);
            if (limit != null) {
                ps.setInt(3, limit);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Matcher m = SCAN_COUNT.matcher(rs.getString(1));
                assertThat(m.find()).as("plan of %s: %s", sql, rs.getString(1)).isTrue();
                return Integer.parseInt(m.group(1));
            }
        }
    }
}
