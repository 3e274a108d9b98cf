package io.flowstate.benchmarks;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.flowstate.benchmarks.NodesFigures.NodesWindow;
import io.flowstate.benchmarks.NodesFigures.PostgresStats;
import io.flowstate.benchmarks.NodesFigures.Window;
import io.flowstate.camel.snapshot.FlowSnapshot;

/**
 * The rounds of {@link NodesThroughput} on one embedded PostgreSQL: for a node count, the raw reference, then the nodes'
 * W1 window, then the check of what the nodes stored. {@link #close()} kills the node JVMs still alive, stops the
 * server and removes its files; it may be called more than once (at the end and from the shutdown hook).
 */
final class NodeRounds implements AutoCloseable {

    static final String POSTGRES = "postgres";
    static final String DRIVER = "driver";

    private final int callers;
    private final int window;
    private final int warmup;
    private final int rawClients;
    private final List<NodeJvm> live = new ArrayList<>();
    private BenchStores database;
    private boolean closed;

    /** The figures of one node count. */
    record Round(int nodeCount, Window raw, NodesWindow nodes) {
    }

    NodeRounds(int callers, int window, int warmup, int rawClients) {
        this.callers = callers;
        this.window = window;
        this.warmup = warmup;
        this.rawClients = rawClients;
    }

    /** Starts the server and creates the flowstate tables (before any node starts, so no two nodes race to). */
    synchronized void open() throws IOException, SQLException {
        database = BenchStores.open("postgres", rawClients + 2);
        try (Connection c = database.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT version(), current_setting('fsync'), current_setting('synchronous_commit'),"
                                                             + " current_setting('full_page_writes')")) {
            rs.next();
            System.out.printf("PostgreSQL: %s; fsync %s, synchronous_commit %s, full_page_writes %s; postmaster pid %d%n",
                    rs.getString(1).split(",")[0], rs.getString(2), rs.getString(3), rs.getString(4),
                    database.postmasterPid());
        }
    }

    Round measure(int nodeCount) throws Exception {
        System.out.printf("%n== %d node%s (flow %s), %d callers each ==%n", nodeCount, nodeCount == 1 ? "" : "s",
                flowId(nodeCount), callers);
        Window raw = measureRaw();
        System.out.printf("raw reference: %d clients, %.1f s: %,.0f UPDATE/s%n", rawClients, raw.seconds(),
                raw.perSecond());
        NodesFigures.printCpu(raw, raw.count(), "UPDATEs");
        NodesWindow nodes = measureNodes(nodeCount);
        System.out.printf("W1 on %d node%s, %.1f s:%n", nodeCount, nodeCount == 1 ? "" : "s", nodes.window().seconds());
        double seconds = nodes.window().seconds();
        System.out.printf("  %-10s %9s %9s %8s %27s%n", "node", "runs/s", "steps/s", "cores",
                "CPU ms per 1,000 own steps");
        for (int i = 0; i < nodeCount; i++) {
            NodeJvm.Counts c = nodes.counts().get(i);
            double cores = nodes.window().cpu().cores().get(nodes.names().get(i));
            System.out.printf("  %-10s %,9.0f %,9.0f %8.2f %27.1f%n", nodes.names().get(i), c.runs() / seconds,
                    c.steps() / seconds, cores, cores * seconds * 1e6 / Math.max(1, c.steps()));
        }
        System.out.printf("  %-10s %,9.0f %,9.0f %8.2f %27.1f%n", "all nodes", nodes.runsPerSecond(),
                nodes.stepsPerSecond(), nodes.nodeCores(),
                nodes.nodeCores() * seconds * 1e6 / Math.max(1, nodes.window().count()));
        NodesFigures.printCpu(nodes.window(), nodes.window().count(), "steps of all nodes");
        System.out.printf("steps/s ÷ raw UPDATE/s = %.2fx%n", nodes.stepsPerSecond() / raw.perSecond());
        verify(flowId(nodeCount), nodes.runsReported());
        return new Round(nodeCount, raw, nodes);
    }

    static String flowId(int nodeCount) {
        return "w1-n" + nodeCount;
    }

    private Window measureRaw() throws Exception {
        CpuMeter meter = new CpuMeter().process(DRIVER, ProcessHandle.current().pid())
                .processTree(POSTGRES, database.postmasterPid());
        RawUpdateClients raw = new RawUpdateClients(database.dataSource(), rawClients);
        raw.start();
        try {
            sleepSeconds(warmup);
            long before = raw.count();
            PostgresStats statsBefore = PostgresStats.read(database.dataSource());
            CpuMeter.Sample from = meter.sample();
            sleepSeconds(window);
            CpuMeter.Sample to = meter.sample();
            long after = raw.count();
            return new Window((to.nanos() - from.nanos()) / 1e9, after - before, CpuMeter.between(from, to),
                    PostgresStats.read(database.dataSource()).minus(statsBefore));
        } finally {
            raw.stop();
        }
    }

    private NodesWindow measureNodes(int nodeCount) throws Exception {
        String flowId = flowId(nodeCount);
        List<NodeJvm> nodes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        CpuMeter meter = new CpuMeter().process(DRIVER, ProcessHandle.current().pid())
                .processTree(POSTGRES, database.postmasterPid());
        for (int i = 1; i <= nodeCount; i++) {
            NodeJvm node = started(NodeJvm.start("node-" + i, NodesThroughput.NODE_JVM_OPTIONS, database.jdbcUrl(),
                    flowId, callers));
            nodes.add(node);
            names.add(node.name);
            meter.process(node.name, node.pid());
        }
        for (NodeJvm node : nodes) {
            node.await("ready");
        }
        for (NodeJvm node : nodes) {
            node.send("run");
        }
        for (NodeJvm node : nodes) {
            node.await("running");
        }
        sleepSeconds(warmup);
        List<NodeJvm.Counts> before = counts(nodes);
        PostgresStats statsBefore = PostgresStats.read(database.dataSource());
        CpuMeter.Sample from = meter.sample();
        sleepSeconds(window);
        CpuMeter.Sample to = meter.sample();
        List<NodeJvm.Counts> after = counts(nodes);
        PostgresStats stats = PostgresStats.read(database.dataSource()).minus(statsBefore);
        List<NodeJvm.Counts> inWindow = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            inWindow.add(after.get(i).minus(before.get(i)));
        }
        long runsReported = stopAll(nodes);
        long steps = inWindow.stream().mapToLong(NodeJvm.Counts::steps).sum();
        return new NodesWindow(new Window((to.nanos() - from.nanos()) / 1e9, steps, CpuMeter.between(from, to), stats),
                names, inWindow, runsReported);
    }

    private synchronized NodeJvm started(NodeJvm node) {
        live.add(node);
        return node;
    }

    /** Asks every node for its counters first, then collects the replies, so the nodes are read at nearly once. */
    private static List<NodeJvm.Counts> counts(List<NodeJvm> nodes) throws IOException, InterruptedException {
        for (NodeJvm node : nodes) {
            node.send("count");
        }
        List<NodeJvm.Counts> counts = new ArrayList<>();
        for (NodeJvm node : nodes) {
            counts.add(NodeJvm.Counts.parse(node.await("count")));
        }
        return counts;
    }

    /** Stops the nodes; returns how many runs they completed in all, failing if a run failed. */
    private long stopAll(List<NodeJvm> nodes) throws IOException, InterruptedException {
        for (NodeJvm node : nodes) {
            node.stop();
        }
        long runs = 0;
        long failed = 0;
        for (NodeJvm node : nodes) {
            NodeJvm.Counts last = node.awaitStopped();
            runs += last.runs();
            failed += last.failed();
        }
        if (failed > 0) {
            throw new IllegalStateException(failed + " runs failed on the nodes (their first failures are printed above)");
        }
        return runs;
    }

    /**
     * The runs of {@code flowId} stored: all COMPLETED, as many as the nodes reported; the newest one's state holds the
     * values its steps wrote.
     */
    private void verify(String flowId, long runsReported) throws SQLException {
        Map<String, Long> statuses = new TreeMap<>();
        String newest = null;
        try (Connection c = database.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT status, COUNT(*) FROM flowstate_runs WHERE flow_id = ? GROUP BY status")) {
                ps.setString(1, flowId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        statuses.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT execution_id FROM flowstate_runs WHERE flow_id = ?"
                                                           + " ORDER BY created_at DESC LIMIT 1")) {
                ps.setString(1, flowId);
                try (ResultSet rs = ps.executeQuery()) {
                    newest = rs.next() ? rs.getString(1) : null;
                }
            }
        }
        if (!statuses.equals(Map.of("COMPLETED", runsReported))) {
            throw new IllegalStateException("Flow " + flowId + ": the nodes reported " + runsReported
                                            + " runs completed, the database holds runs by status " + statuses);
        }
        FlowSnapshot run = database.repository.load(newest).orElseThrow();
        String order = run.input().path("body").asText();
        for (int step = 1; step <= ThroughputNode.STEPS; step++) {
            String key = ThroughputNode.key((step - 1) % ThroughputNode.KEYS);
            if (!ThroughputNode.value(order, step).equals(run.state().path(key).asText())) {
                throw new IllegalStateException("Run " + newest + " (order " + order + ") holds state " + key + " = "
                                                + run.state().path(key) + ", not what step s" + step + " wrote");
            }
        }
        System.out.printf("verified: %,d runs COMPLETED in the database = %,d reported by the nodes, none in another"
                          + " status; run %s holds its steps' values (%d B of state JSON)%n",
                statuses.get("COMPLETED"), runsReported, newest, run.state().toString().length());
    }

    private static void sleepSeconds(int seconds) throws InterruptedException {
        Thread.sleep(seconds * 1000L);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (NodeJvm node : live) {
            try {
                node.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (database != null) {
            try {
                database.close();
            } catch (IOException | RuntimeException e) {
                System.err.println("Could not stop PostgreSQL or remove its files: " + e);
            }
        }
    }
}
