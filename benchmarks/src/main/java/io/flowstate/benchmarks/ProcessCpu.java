package io.flowstate.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.sun.management.OperatingSystemMXBean;

/**
 * CPU time used so far by this JVM and by a PostgreSQL server: the postmaster and all its child processes (backends,
 * WAL writer, checkpointer...), read from {@code /proc/<pid>/stat} ({@code utime + stime}; for the postmaster also
 * {@code cutime + cstime}, the time of children that already exited). On a machine where Java and the database share
 * the cores, the difference of two {@link Sample}s says what a measured figure spent on each side. Without
 * {@code /proc} (not Linux) the database's time reads 0.
 */
final class ProcessCpu {

    private static final Path PROC = Path.of("/proc");

    private final long postmasterPid;
    private final long nanosPerTick;

    private ProcessCpu(long postmasterPid, long ticksPerSecond) {
        this.postmasterPid = postmasterPid;
        this.nanosPerTick = 1_000_000_000L / ticksPerSecond;
    }

    /** CPU time so far, nanoseconds. */
    record Sample(long jvmNanos, long postgresNanos) {

        Sample minus(Sample earlier) {
            return new Sample(jvmNanos - earlier.jvmNanos, postgresNanos - earlier.postgresNanos);
        }
    }

    /** Finds the postmaster of the server {@code dataSource} connects to: the parent of a backend of ours. */
    static ProcessCpu of(DataSource dataSource) throws SQLException {
        long backend;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            backend = rs.getLong(1);
        }
        long[] stat = stat(backend);
        return new ProcessCpu(stat == null ? -1 : stat[0], ticksPerSecond());
    }

    long postmasterPid() {
        return postmasterPid;
    }

    Sample sample() {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new Sample(os.getProcessCpuTime(), postgresTicks() * nanosPerTick);
    }

    private long postgresTicks() {
        if (postmasterPid < 0) {
            return 0;
        }
        long ticks = 0;
        try (Stream<Path> processes = Files.list(PROC)) {
            for (Path p : (Iterable<Path>) processes::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                long[] stat = stat(pid);
                if (stat == null) {
                    continue; // exited meanwhile: its time is in the postmaster's cutime once reaped
                }
                if (pid == postmasterPid) {
                    ticks += stat[1] + stat[2] + stat[3] + stat[4];
                } else if (stat[0] == postmasterPid) {
                    ticks += stat[1] + stat[2];
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks;
    }

    /** {@code ppid, utime, stime, cutime, cstime} of a process, or null when it is gone or unreadable. */
    private static long[] stat(long pid) {
        String line;
        try {
            line = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
        } catch (IOException e) {
            return null;
        }
        // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
        String[] f = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        return new long[] { Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]),
                            Long.parseLong(f[13]), Long.parseLong(f[14]) };
    }

    private static long ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return 100; // the Linux default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
