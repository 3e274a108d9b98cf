package io.flowstate.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * What runs occupy in a repository, for sizing disks and retention (docs/scaling.md). Every flow runs through Camel
 * routes ({@link SizingFlows}) with the component's and the repository's default options (checkpoint after each step,
 * compaction defaults, {@code maxHistory} 1000: the history events are stored with the runs and counted here), on the
 * embedded PostgreSQL with fsync and synchronous_commit on and on the file repository ({@link BenchStores}):
 * <ol>
 * <li>{@code runs} W1 runs (start, 10 steps each changing one value of ~850 B of state), 8 at a time, all COMPLETED:
 * bytes per finished run;</li>
 * <li>{@code waiting} runs suspended at an approval (W3 up to its suspend): bytes per waiting run;</li>
 * <li>one run of {@code steps} steps (a loop of one step; each iteration records its result and its completion):
 * what it stores after 100, 1,000, 10,000... steps (its last full document and the deltas since), and its bytes per
 * step, which compaction keeps bounded (the deltas are folded into the document every 1000 or once they outgrow
 * it);</li>
 * <li>steady state: {@code runs / 2} more W1 runs while a purge after every 1,000 keeps {@code runs} finished runs
 * (as {@code maxFinishedRuns} would), each purge followed by a plain {@code VACUUM} (as an autovacuum keeping up
 * would): what the store grows although it holds as many runs, and the whole store after {@code VACUUM} against its
 * rows alone;</li>
 * <li>the retention purge of the finished runs as the component's maintenance pass calls it: first the cap
 * ({@code purgeFinishedBeyond(runs / 2)}, option {@code maxFinishedRuns}), then the age ({@code purgeFinished(now)},
 * option {@code retention}): time per pass and per 1,000 runs.</li>
 * </ol>
 * Each phase is measured from tables rewritten by {@code VACUUM FULL} at the end of the one before. Per part of the
 * store (PostgreSQL: the runs table's rows with TOAST, its indexes, the deltas and the values tables, each with its
 * indexes and TOAST; file: the {@code runs/}, {@code finished/} and {@code values/} folders) it prints the bytes the
 * phase added and that divided by the runs (or steps) it stored, two ways: after a plain {@code VACUUM} (the disk,
 * free space inside the table files included, which later writes reuse) and after {@code VACUUM FULL} (the rows
 * alone); for files, allocated blocks and file bytes. Bytes do not depend on the machine's load; the rates and purge
 * times do (the load average is printed).
 * <p>
 * Run, after {@code mvn -B -o -q -pl camel-flowstate,benchmarks package -DskipTests}:
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.flowstate.benchmarks.StorageFootprint [runs] [waiting] [steps] [repository...]
 * </pre>
 * Defaults: 10000 runs, 2000 waiting, 10000 steps, repositories {@code postgres file}; about 3 minutes on a quiet
 * 2-core machine (5-6 under a load average of 10-15).
 */
public final class StorageFootprint {

    private static final int IN_FLIGHT = 8;
    private static final int STEADY_BATCH = 1_000;

    private StorageFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int waiting = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        List<String> kinds = args.length > 3 ? List.of(args).subList(3, args.length) : List.of("postgres", "file");
        System.out.printf("StorageFootprint %d %d %d %s%n", runs, waiting, steps, String.join(" ", kinds));
        System.out.printf("runs=%d (W1, %d in flight) waiting=%d steps=%d; component and repository defaults; load %s%n",
                runs, IN_FLIGHT, waiting, steps, loadAverage());
        for (String kind : kinds) {
            new StorageFootprint().measure(kind, runs, waiting, steps);
        }
    }

    static String loadAverage() {
        return String.format("average %.1f on %d cores", ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
    }

    private Footprint footprint;
    private Map<String, long[]> last;
    private final List<Integer> marks = new ArrayList<>();

    private void measure(String kind, int runs, int waiting, int steps) throws Exception {
        System.out.printf("%n== %s repository%n", kind);
        for (int mark = 100; mark <= steps; mark *= 10) {
            marks.add(mark);
        }
        if (!marks.contains(steps)) {
            marks.add(steps);
        }
        try (BenchStores stores = BenchStores.open(kind, IN_FLIGHT + 4)) {
            footprint = Footprint.of(stores);
            CamelContext context = new DefaultCamelContext();
            context.getComponent("flowstate", FlowStateComponent.class).setRepository(stores.repository);
            context.addRoutes(new SizingFlows(this::afterLongRunStep));
            context.start();
            try (ProducerTemplate template = context.createProducerTemplate()) {
                last = footprint.measure();
                long started = System.nanoTime();
                callConcurrently(runs, () -> template.requestBody(SizingFlows.W1, "order-42"));
                double seconds = (System.nanoTime() - started) / 1e9;
                phase(String.format("%,d finished W1 runs (%.0f runs/s, %.0f steps/s under load %s)", runs,
                        runs / seconds, runs * SizingFlows.STEPS / seconds, loadAverage()), runs, "run");
                callConcurrently(waiting, () -> template.requestBody(SizingFlows.WAITING, "order-42"));
                phase(String.format("%,d runs waiting at an approval", waiting), waiting, "run");
                System.out.printf("%n-- one run of %,d steps: what it stores as it goes%n", steps);
                System.out.printf("%8s %12s %12s %8s %14s %10s%n", "steps", "document B", "deltas B", "deltas",
                        "store grew B", "B/step");
                template.requestBodyAndHeader(SizingFlows.LONG, "order-42", SizingFlows.STEPS_HEADER, steps);
                phase(String.format("the run of %,d steps, COMPLETED", steps), steps, "step");
                steadyState(stores.repository, runs, () -> template.requestBody(SizingFlows.W1, "order-42"));
                purge(stores.repository, runs);
            } finally {
                context.stop();
            }
        }
    }

    /** Prints what the store holds now against the last measure, in total and per {@code count}. */
    private void phase(String what, int count, String unit) throws Exception {
        Map<String, long[]> now = footprint.measure();
        String[] views = footprint.views();
        System.out.printf("%n-- %s%n%-22s %14s %12s %18s %12s%n", what, "part", views[0], "per " + unit, views[1],
                "per " + unit);
        long[] total = new long[2];
        for (Map.Entry<String, long[]> part : now.entrySet()) {
            long[] before = last.get(part.getKey());
            long[] added = { part.getValue()[0] - before[footprint.baseline(0)],
                    part.getValue()[1] - before[footprint.baseline(1)] };
            total[0] += added[0];
            total[1] += added[1];
            print(part.getKey(), added, count);
        }
        print("total", total, count);
        last = now;
    }

    private static void print(String part, long[] added, int count) {
        System.out.printf("%-22s %,14d %,12.0f %,18d %,12.0f%n", part, added[0], (double) added[0] / count, added[1],
                (double) added[1] / count);
    }

    /** At each mark, what the long run stores (its own document and deltas) and how much the store grew. */
    private void afterLongRunStep(String executionId, int done) {
        if (!marks.contains(done)) {
            return;
        }
        try {
            long[] run = footprint.run(executionId);
            long grown = 0;
            for (Map.Entry<String, long[]> part : footprint.measure().entrySet()) {
                grown += part.getValue()[1] - last.get(part.getKey())[1];
            }
            System.out.printf("%,8d %,12d %,12d %,8d %,14d %,10.0f%n", done, run[0], run[1], run[2], grown,
                    (double) grown / done);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Another {@code runs / 2} W1 runs while the cap keeps {@code runs} finished runs: after every
     * {@value #STEADY_BATCH}, a purge (as the maintenance pass with {@code maxFinishedRuns} would) and a plain
     * {@code VACUUM} (as an autovacuum that keeps up would). The store holds as many runs as before, so what it grew is
     * the space the writes left that later writes did not reuse.
     */
    private void steadyState(FlowSnapshotRepository repository, int runs, Runnable w1) throws Exception {
        long started = System.nanoTime();
        for (int done = 0; done < runs / 2; done += STEADY_BATCH) {
            callConcurrently(Math.min(STEADY_BATCH, runs / 2 - done), w1);
            repository.purgeFinishedBeyond(runs);
            footprint.reclaim();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        phase(String.format("steady state: %,d more W1 runs while the cap kept %,d finished (%.0f runs/s with the"
                            + " purges, under load %s), purge and VACUUM after every %,d: what the store grew",
                runs / 2, runs, runs / 2 / seconds, loadAverage(), STEADY_BATCH), runs / 2, "run");
        long[] total = new long[2];
        for (long[] part : last.values()) {
            total[0] += part[0];
            total[1] += part[1];
        }
        String[] views = footprint.views();
        System.out.printf("whole store now: %,d bytes %s, %,d bytes %s (%.2fx)%n", total[0], views[0], total[1],
                views[1], (double) total[0] / total[1]);
    }

    private static void purge(FlowSnapshotRepository repository, int runs) throws Exception {
        System.out.printf("%n-- retention purge of the finished runs (as the maintenance pass calls it; load %s)%n",
                loadAverage());
        timePurge("purgeFinishedBeyond(" + runs / 2 + ") [maxFinishedRuns]",
                () -> repository.purgeFinishedBeyond(runs / 2));
        timePurge("purgeFinished(now) [retention]", () -> repository.purgeFinished(Instant.now()));
        timePurge("purgeFinished(now), nothing left", () -> repository.purgeFinished(Instant.now()));
    }

    private static void timePurge(String what, java.util.function.IntSupplier purge) {
        long started = System.nanoTime();
        int removed = purge.getAsInt();
        double ms = (System.nanoTime() - started) / 1e6;
        System.out.printf("%-44s removed %,7d in %,9.1f ms = %,8.1f ms per 1,000 runs%n", what, removed, ms,
                removed == 0 ? 0 : ms * 1000 / removed);
    }

    /** Calls {@code call} {@code count} times, {@value #IN_FLIGHT} at a time. */
    private static void callConcurrently(int count, Runnable call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
        AtomicInteger next = new AtomicInteger();
        try {
            List<Future<?>> callers = new ArrayList<>();
            for (int t = 0; t < IN_FLIGHT; t++) {
                callers.add(pool.submit(() -> {
                    while (next.getAndIncrement() < count) {
                        call.run();
                    }
                    return null;
                }));
            }
            for (Future<?> caller : callers) {
                caller.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
