package io.flowstate.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

/** The figures {@link NodesThroughput} measures in a window, and how it prints them. */
final class NodesFigures {

    private NodesFigures() {
    }

    static void printSummary(List<NodeRounds.Round> rounds) {
        System.out.println();
        System.out.println("summary (cores: CPU seconds per second; the machine has "
                           + Runtime.getRuntime().availableProcessors() + ")");
        System.out.printf("%5s %9s %8s %14s %12s %8s %10s %8s %9s %8s  %s%n", "nodes", "steps/s", "runs/s",
                "steps/s/node", "raw UPDATE/s", "ratio", "nodes cpu", "pg cpu", "machine", "iowait", "limited by");
        for (NodeRounds.Round r : rounds) {
            double steps = r.nodes().stepsPerSecond();
            System.out.printf("%5d %,9.0f %,8.0f %,14.0f %,12.0f %7.2fx %10.2f %8.2f %9.2f %8.2f  %s%n", r.nodeCount(),
                    steps, r.nodes().runsPerSecond(), steps / r.nodeCount(), r.raw().perSecond(),
                    steps / r.raw().perSecond(), r.nodes().nodeCores(), r.nodes().window().cpu().cores().get(
                            NodeRounds.POSTGRES),
                    r.nodes().window().cpu().machineBusy(), r.nodes().window().cpu().machineIowait(),
                    limit(r.nodes().window().cpu()));
        }
    }

    /** What most likely bounds a figure, from the CPU the window used. */
    static String limit(CpuMeter.Use cpu) {
        int cores = Runtime.getRuntime().availableProcessors();
        double ours = cpu.total();
        double others = Math.max(0, cpu.machineBusy() - ours);
        String busy = String.format("machine busy %.2f of %d cores", cpu.machineBusy(), cores);
        String verdict = cpu.machineBusy() >= 0.9 * cores ? "CPU (" + busy + ")"
                : "commit waits, not CPU (" + busy + ")";
        return others >= 0.2 ? verdict + String.format("; other programs used %.2f cores", others) : verdict;
    }

    /** The counters of a window: how long it lasted, what was counted, the CPU used and PostgreSQL's statistics. */
    record Window(double seconds, long count, CpuMeter.Use cpu, PostgresStats stats) {

        double perSecond() {
            return count / seconds;
        }
    }

    /**
     * The W1 window of N nodes: its counts per node, and the runs the nodes completed in all (warm-up and the runs in
     * flight when they stopped included).
     */
    record NodesWindow(Window window, List<String> names, List<NodeJvm.Counts> counts, long runsReported) {

        double stepsPerSecond() {
            return counts.stream().mapToLong(NodeJvm.Counts::steps).sum() / window.seconds();
        }

        double runsPerSecond() {
            return counts.stream().mapToLong(NodeJvm.Counts::runs).sum() / window.seconds();
        }

        double nodeCores() {
            return names.stream().mapToDouble(n -> window.cpu().cores().get(n)).sum();
        }
    }

    /** WAL flushes and commits over a window, from PostgreSQL's cumulative statistics. */
    record PostgresStats(long walSyncs, long commits) {

        PostgresStats minus(PostgresStats before) {
            return new PostgresStats(walSyncs - before.walSyncs, commits - before.commits);
        }

        static PostgresStats read(DataSource dataSource) throws SQLException {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT (SELECT wal_sync FROM pg_stat_wal),"
                                                        + " (SELECT xact_commit FROM pg_stat_database"
                                                        + " WHERE datname = current_database())")) {
                rs.next();
                return new PostgresStats(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    /** The CPU of a window's processes, in cores and per 1,000 units of {@code work} ({@code per} names them). */
    static void printCpu(Window w, long work, String per) {
        String header = "CPU ms per 1,000 " + per;
        String row = "  %-10s %8.2f %" + header.length() + ".1f%n";
        System.out.printf("  %-10s %8s %s%n", "process", "cores", header);
        for (Map.Entry<String, Double> e : w.cpu().cores().entrySet()) {
            System.out.printf(row, e.getKey(), e.getValue(), e.getValue() * w.seconds() * 1e6 / Math.max(1, work));
        }
        System.out.printf(row, "all above", w.cpu().total(), w.cpu().total() * w.seconds() * 1e6 / Math.max(1, work));
        System.out.printf("  machine busy %.2f cores, iowait %.2f cores; limited by: %s%n", w.cpu().machineBusy(),
                w.cpu().machineIowait(), limit(w.cpu()));
        System.out.printf("  PostgreSQL: %,.0f commits/s, %,.0f WAL flushes/s, %.2f commits per flush%n",
                w.stats().commits() / w.seconds(), w.stats().walSyncs() / w.seconds(),
                w.stats().commits() / (double) Math.max(1, w.stats().walSyncs()));
    }
}
