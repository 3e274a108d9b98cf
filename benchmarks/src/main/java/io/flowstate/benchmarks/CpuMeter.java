package io.flowstate.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * CPU time of named processes and of the whole machine, read from Linux's {@code /proc}: a process's user + system
 * time from {@code /proc/PID/stat} (in clock ticks, {@code getconf CLK_TCK}), the machine's busy and iowait time from
 * the {@code cpu} line of {@code /proc/stat}. Two {@link Sample}s give the cores each used between them (CPU seconds
 * per second).
 */
final class CpuMeter {

    /** Clock ticks per second of {@code /proc} times ({@code getconf CLK_TCK}; 100 when it cannot be asked). */
    static final long TICKS_PER_SECOND = clockTicks();

    private final Map<String, LongSupplier> processes = new LinkedHashMap<>();

    /** What one moment read: nanoTime, ticks per process name, the machine's busy and iowait ticks. */
    record Sample(long nanos, Map<String, Long> ticks, long machineBusy, long machineIowait) {
    }

    /** Cores used between two samples: per process name, and the machine's busy and iowait. */
    record Use(double seconds, Map<String, Double> cores, double machineBusy, double machineIowait) {

        double total() {
            return cores.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /** Meters process {@code pid} (its own threads). */
    CpuMeter process(String name, long pid) {
        processes.put(name, () -> ownTicks(pid));
        return this;
    }

    /**
     * Meters process {@code pid} with all its children: its own time, the time of its children that ended and were
     * waited for (so a backend that ends between two samples still counts), and the time of those alive now. This is
     * how a PostgreSQL server is metered: the postmaster and the backends, WAL writer, checkpointer... it forks.
     */
    CpuMeter processTree(String name, long pid) {
        processes.put(name, () -> treeTicks(pid));
        return this;
    }

    Sample sample() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        processes.forEach((name, reader) -> ticks.put(name, reader.getAsLong()));
        long[] machine = machineTicks();
        return new Sample(System.nanoTime(), ticks, machine[0], machine[1]);
    }

    static Use between(Sample from, Sample to) {
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        Map<String, Double> cores = new LinkedHashMap<>();
        from.ticks().forEach((name, ticks) -> cores.put(name, cores(to.ticks().get(name) - ticks, seconds)));
        return new Use(seconds, cores, cores(to.machineBusy() - from.machineBusy(), seconds),
                cores(to.machineIowait() - from.machineIowait(), seconds));
    }

    private static double cores(long ticks, double seconds) {
        return ticks / (double) TICKS_PER_SECOND / seconds;
    }

    /** Fields of {@code /proc/PID/stat} after the command name (field 3 is index 0), or null when the process is gone. */
    private static String[] stat(long pid) {
        try {
            String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            return line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException e) {
            return null; // it ended (ENOENT, or ESRCH while its entry goes)
        }
    }

    private static long ownTicks(long pid) {
        String[] f = stat(pid);
        return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    }

    private static long treeTicks(long rootPid) {
        String[] root = stat(rootPid);
        if (root == null) {
            return 0;
        }
        long ticks = Long.parseLong(root[11]) + Long.parseLong(root[12]) + Long.parseLong(root[13])
                     + Long.parseLong(root[14]); // utime, stime, cutime, cstime
        try (DirectoryStream<Path> all = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : all) {
                String[] f = stat(Long.parseLong(dir.getFileName().toString()));
                if (f != null && Long.parseLong(f[1]) == rootPid) { // ppid
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list /proc", e);
        }
        return ticks;
    }

    /** The machine's busy ticks (user, nice, system, irq, softirq, steal) and iowait ticks, all CPUs together. */
    private static long[] machineTicks() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
            String[] f = cpu.trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal ...
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                        + Long.parseLong(f[7]) + Long.parseLong(f[8]);
            return new long[] { busy, Long.parseLong(f[5]) };
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read /proc/stat", e);
        }
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return getconf.waitFor(10, TimeUnit.SECONDS) && getconf.exitValue() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
