package io.flowstate.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * One throughput phase of {@link ThroughputSideBySide}: {@code threads} threads each repeating a unit of work until
 * the phase's time is up (a unit under way is finished), and what it achieved: units per second over the phase's
 * wall time, and the CPU time this JVM and the database server spent per 1,000 units.
 */
final class ThroughputPhase {

    /** A unit of work of thread {@code thread}; returns how many units it counts for (e.g. a run's 10 steps). */
    @FunctionalInterface
    interface Work {
        int run(int thread) throws Exception;
    }

    /** What a phase achieved. */
    record Result(double perSecond, double jvmCpuPerThousand, double postgresCpuPerThousand, double jvmCores,
                  double postgresCores) {
    }

    /** The names {@link #run} reads from its meter: this JVM, and the PostgreSQL server with all its processes. */
    static final String JVM = "jvm";
    static final String POSTGRES = "postgres";

    private ThroughputPhase() {
    }

    static Result run(int threads, Duration length, CpuMeter cpu, Work work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            LongAdder units = new LongAdder();
            long[] deadline = new long[1];
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    while (System.nanoTime() < deadline[0]) {
                        units.add(work.run(thread));
                    }
                    return null;
                }));
            }
            CpuMeter.Sample before = cpu.sample();
            long started = System.nanoTime();
            deadline[0] = started + length.toNanos();
            go.countDown(); // publishes deadline[0] to the threads
            for (Future<?> f : done) {
                f.get();
            }
            long wall = System.nanoTime() - started;
            CpuMeter.Use used = CpuMeter.between(before, cpu.sample());
            double count = units.sum();
            double jvm = used.cores().get(JVM);
            double postgres = used.cores().get(POSTGRES);
            double seconds = used.seconds();
            return new Result(count * 1e9 / wall, jvm * seconds / count * 1000, postgres * seconds / count * 1000, jvm,
                    postgres);
        } finally {
            pool.shutdownNow();
        }
    }
}
