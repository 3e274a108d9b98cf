package io.flowstate.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 19 part 4: workload W1 with 1, 2 and 3 node JVMs on one PostgreSQL, next to the database's raw UPDATE rate
 * measured in the same run, with the CPU each process used.
 * <p>
 * One embedded PostgreSQL (fsync, synchronous_commit and full_page_writes on) serves the whole run. For each node count
 * N the driver (this JVM):
 * <ol>
 * <li>measures the raw reference: {@code rawClients} threads of this JVM doing versioned single-row UPDATEs of an
 * ~850-byte document, auto-commit ({@link RawUpdateClients}), for a warm-up and then the measured window;</li>
 * <li>starts N {@link ThroughputNode} JVMs on that server (the same flowstate tables, flow {@code w1-nN}; JDBC
 * repository with default options, a Hikari pool per node), each with {@code callers} threads sending W1 runs (10
 * steps, {@code checkpoint=afterEachStep}, ~850 B of state) one after the other; after the warm-up, it asks every node
 * for its counters at the start and at the end of the window;</li>
 * <li>stops the nodes (each finishes the runs in flight) and checks the database: the runs of flow {@code w1-nN}
 * stored COMPLETED are exactly the runs the nodes reported, none is in another status, and the newest run's state holds
 * what its steps wrote.</li>
 * </ol>
 * Run (after {@code mvn -B -pl camel-flowstate,benchmarks package -DskipTests}):
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.flowstate.benchmarks.NodesThroughput [nodeCounts] [callers] [windowSeconds] [warmupSeconds] [rawClients]
 * </pre>
 * Defaults {@code 1,2,3 8 20 10 8}: about 4 minutes in all. What it prints for each node count:
 * <ul>
 * <li>{@code raw UPDATE/s}: UPDATEs committed per second by the raw clients over their window;</li>
 * <li>per node and in all: {@code runs/s} (W1 runs completed), {@code steps/s} (W1 steps completed, each followed by
 * its checkpoint), and the node JVM's CPU in cores (CPU seconds per second) and in CPU milliseconds per 1,000 of its
 * own steps;</li>
 * <li>the CPU of every process, in cores and in CPU milliseconds per 1,000 steps of all nodes: each node JVM, the
 * PostgreSQL server (postmaster and every process it forked) and the driver (which only waits during the nodes'
 * window); and the whole machine's busy cores and iowait from {@code /proc/stat}: on a
 * machine with few cores the nodes and the database share them, so a total near the number of cores means the figure
 * is limited by CPU; well below it, by the time each commit waits (WAL flush, locks); more machine time than the
 * processes metered here means other programs took part of the CPU;</li>
 * <li>WAL flushes ({@code pg_stat_wal.wal_sync}) and commits ({@code pg_stat_database.xact_commit}) per second, from
 * PostgreSQL's statistics (reported up to half a second late: approximate over short windows): commits per flush above
 * 1 means concurrent commits shared a WAL flush;</li>
 * <li>{@code steps/s ÷ raw UPDATE/s}: the checkpointed step rate of all nodes as a multiple of the raw rate measured just
 * before with the same server.</li>
 * </ul>
 * A summary table of all node counts ends the output. The node JVMs are killed when the driver ends, also when it fails
 * or is stopped (a shutdown hook), and a node ends by itself when its standard input closes; the server is stopped and
 * its files removed.
 */
public final class NodesThroughput {

    /** Options of each node JVM: a bounded heap (the JVM's default is a quarter of the machine's memory for each). */
    static final List<String> NODE_JVM_OPTIONS = List.of("-Xms256m", "-Xmx512m");

    private NodesThroughput() {
    }

    private static int number(String name, String text, int least) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= least) {
                return value;
            }
        } catch (NumberFormatException e) {
            // told below
        }
        throw new IllegalArgumentException(name + " must be a whole number, " + least + " or more, was '" + text
                                           + "'; arguments: [nodeCounts] [callers] [windowSeconds] [warmupSeconds]"
                                           + " [rawClients], e.g. 1,2,3 8 20 10 8");
    }

    public static void main(String[] args) throws Exception {
        int[] nodeCounts = Arrays.stream((args.length > 0 ? args[0] : "1,2,3").split(","))
                .mapToInt(n -> number("a node count", n, 1)).toArray();
        int callers = args.length > 1 ? number("callers", args[1], 1) : 8;
        int window = args.length > 2 ? number("windowSeconds", args[2], 1) : 20;
        int warmup = args.length > 3 ? number("warmupSeconds", args[3], 0) : 10;
        int rawClients = args.length > 4 ? number("rawClients", args[4], 1) : 8;
        System.out.println("NodesThroughput " + String.join(" ", args) + "  (" + Instant.now() + ")");
        System.out.printf("settings: node counts %s, %d callers per node, window %d s after %d s warm-up, %d raw UPDATE"
                          + " clients; %d cores, CLK_TCK %d; node JVM options %s, node pool %d connections%n",
                Arrays.toString(nodeCounts), callers, window, warmup, rawClients,
                Runtime.getRuntime().availableProcessors(), CpuMeter.TICKS_PER_SECOND, NODE_JVM_OPTIONS,
                ThroughputNode.poolSize(callers));
        System.out.printf("W1: flowstate:start?checkpoint=afterEachStep, %d state values of %d characters (~%d B of"
                          + " JSON state), %d steps each changing one value%n", ThroughputNode.KEYS,
                ThroughputNode.VALUE_CHARS, ThroughputNode.STATE_BYTES_APPROX, ThroughputNode.STEPS);
        NodeRounds rounds = new NodeRounds(callers, window, warmup, rawClients);
        Runtime.getRuntime().addShutdownHook(new Thread(rounds::close, "nodes-throughput-cleanup"));
        List<NodeRounds.Round> done = new ArrayList<>();
        try {
            rounds.open();
            for (int n : nodeCounts) {
                done.add(rounds.measure(n));
            }
        } finally {
            rounds.close();
        }
        NodesFigures.printSummary(done);
    }

}
