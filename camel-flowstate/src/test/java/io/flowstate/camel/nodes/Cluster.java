package io.flowstate.camel.nodes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.snapshot.jdbc.DurablePostgres;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Nodes ({@link ClusterNode}) on one PostgreSQL (fsync and synchronous_commit on), the server shared by the test JVM,
 * fresh tables per cluster; and a repository on those tables to read what the nodes stored. Close it to kill its nodes.
 */
final class Cluster implements AutoCloseable {

    static final Duration LEASE = Duration.ofSeconds(2);
    static final Duration RECOVERY_INTERVAL = Duration.ofMillis(500);

    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private final String tablePrefix = "c" + CLUSTERS.incrementAndGet() + "_";
    private final List<ClusterNode> nodes = new ArrayList<>();
    private HikariDataSource readerPool;
    private JdbcFlowSnapshotRepository reader;

    private static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = DurablePostgres.start(Files.createTempDirectory("cluster-pg"), 0);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    // the JVM ends anyway
                }
            }));
        }
        return postgres;
    }

    String jdbcUrl() {
        return postgres().getJdbcUrl("postgres", "postgres");
    }

    String tablePrefix() {
        return tablePrefix;
    }

    /**
     * Starts nodes: the first alone (it creates the tables), the others then side by side.
     *
     * @param stepMillis how long each step of flow work takes
     */
    List<ClusterNode> start(int recoveryThreads, long stepMillis, String... names) throws Exception {
        return start(recoveryThreads, stepMillis, List.of(), names);
    }

    /** As {@link #start(int, long, String...)}, with {@code more} arguments for each node. */
    List<ClusterNode> start(int recoveryThreads, long stepMillis, List<String> more, String... names) throws Exception {
        List<ClusterNode> started = new ArrayList<>();
        started.add(startNode(names[0], recoveryThreads, stepMillis, more));
        List<CompletableFuture<ClusterNode>> others = new ArrayList<>();
        for (int i = 1; i < names.length; i++) {
            String name = names[i];
            others.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return startNode(name, recoveryThreads, stepMillis, more);
                } catch (Exception e) {
                    throw new IllegalStateException("Node " + name + " did not start", e);
                }
            }));
        }
        for (CompletableFuture<ClusterNode> other : others) {
            started.add(other.join());
        }
        return started;
    }

    ClusterNode startNode(String name, int recoveryThreads, long stepMillis) throws Exception {
        return startNode(name, recoveryThreads, stepMillis, List.of());
    }

    private ClusterNode startNode(String name, int recoveryThreads, long stepMillis, List<String> more)
            throws Exception {
        ClusterNode node = ClusterNode.start(this, name, recoveryThreads, stepMillis, more.toArray(String[]::new));
        synchronized (nodes) {
            nodes.add(node);
        }
        return node;
    }

    /** Every node started, the killed ones too. */
    List<ClusterNode> nodes() {
        synchronized (nodes) {
            return List.copyOf(nodes);
        }
    }

    /** The stored run. */
    FlowSnapshot run(String executionId) {
        return reader().load(executionId).orElseThrow(() -> new AssertionError("Run " + executionId + " is not stored"));
    }

    /** How many of {@code executionIds} are in each status. */
    Map<FlowStatus, Integer> statuses(Collection<String> executionIds) {
        Map<FlowStatus, Integer> counts = new EnumMap<>(FlowStatus.class);
        for (String id : executionIds) {
            counts.merge(run(id).status(), 1, Integer::sum);
        }
        return counts;
    }

    /** Runs SQL statements (separated by semicolons, no comments) on the cluster's database, one by one. */
    void execute(String statements) throws java.sql.SQLException {
        reader();
        try (java.sql.Connection c = readerPool.getConnection(); java.sql.Statement st = c.createStatement()) {
            for (String sql : statements.split(";")) {
                if (!sql.isBlank()) {
                    st.execute(sql);
                }
            }
        }
    }

    /** How many runs of {@code flowId} are in {@code status}. */
    int countRuns(String flowId, FlowStatus status) throws java.sql.SQLException {
        reader();
        try (java.sql.Connection c = readerPool.getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement(
                     "SELECT COUNT(*) FROM " + tablePrefix + "runs WHERE flow_id = ? AND status = ?")) {
            ps.setString(1, flowId);
            ps.setString(2, status.name());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** A persistent value of {@code flowId} (a counter), 0 when absent. */
    long counter(String flowId, String key) {
        return reader().getValue(flowId, key).map(VersionedValue::value).map(v -> v.longValue()).orElse(0L);
    }

    private synchronized JdbcFlowSnapshotRepository reader() {
        if (reader == null) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(jdbcUrl());
            config.setUsername("postgres");
            config.setMaximumPoolSize(2);
            readerPool = new HikariDataSource(config);
            reader = new JdbcFlowSnapshotRepository(readerPool);
            reader.setTablePrefix(tablePrefix);
            reader.start();
        }
        return reader;
    }

    @Override
    public void close() throws Exception {
        synchronized (nodes) {
            for (ClusterNode node : nodes) {
                node.close();
            }
        }
        if (reader != null) {
            reader.stop();
            readerPool.close();
        }
    }
}
