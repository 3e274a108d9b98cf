package io.flowstate.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Issue 4, item 5: "nothing of a suspended run stays in memory: 100 000 suspended runs must not grow the heap".
 * Suspends runs of a small approval flow through a route (start, one step, {@code flowstate:suspend:approval}), by 4
 * threads, 10,000 at a time, and prints the used heap after full GCs (the least of 5) before, after every 10,000 and
 * at the end; then, for the file repository, what its in-memory index weighs (it holds only RUNNING runs and runs
 * with a wake-up time, so none of these; the repository stopped, then started again, which rebuilds the index from
 * disk), and for H2, the heap once the database is closed (H2 runs
 * inside the JVM: its page cache is heap).
 * <p>
 * Not a JMH benchmark (it is one long measurement). Run, after {@code mvn -pl benchmarks -am package -DskipTests}:
 * <pre>
 * java -Xmx1g -cp benchmarks/target/benchmarks.jar io.flowstate.benchmarks.SuspendedRunsHeap [runs] [repository...]
 * </pre>
 * {@code runs} defaults to 100000, repositories to {@code h2 file postgres}.
 */
public final class SuspendedRunsHeap {

    private static final int BATCH = 10_000;
    private static final int THREADS = 4;

    private SuspendedRunsHeap() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<String> kinds = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("h2", "file", "postgres");
        System.out.printf("max heap %d MB, %s%n", Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getRuntimeMXBean().getVmName() + " " + System.getProperty("java.version"));
        for (String kind : kinds) {
            measure(kind, runs);
        }
    }

    private static void measure(String kind, int runs) throws Exception {
        System.out.printf("%n== %s repository: %,d suspended runs%n", kind, runs);
        BenchStores stores = BenchStores.open(kind, THREADS + 2);
        CamelContext context = new DefaultCamelContext();
        context.getComponent("flowstate", FlowStateComponent.class).setRepository(stores.repository);
        context.addRoutes(new ApprovalRoutes());
        context.start();
        ProducerTemplate template = context.createProducerTemplate();
        Endpoint approval = context.getEndpoint(ApprovalRoutes.APPROVAL);
        AtomicInteger next = new AtomicInteger();

        suspend(template, approval, next, 1_000); // warm-up: classes, JIT, pools, caches
        long base = usedHeapAfterGc();
        int warm = next.get();
        System.out.printf("%-22s %12s %14s %16s %10s%n", "suspended runs stored", "used heap", "vs. start", "per stored run",
                "s/10,000");
        print(warm, base, base, 0, 0);
        int done = 0;
        while (done < runs) {
            long started = System.nanoTime();
            suspend(template, approval, next, Math.min(BATCH, runs - done));
            double seconds = (System.nanoTime() - started) / 1e9;
            done = next.get() - warm;
            print(next.get(), usedHeapAfterGc(), base, done, seconds);
        }
        context.stop();
        long contextStopped = usedHeapAfterGc();
        System.out.printf("CamelContext stopped, repository still open: %,d KB (vs. start %+,d KB)%n",
                contextStopped >> 10, (contextStopped - base) >> 10);
        if (stores.repository instanceof FileFlowSnapshotRepository file) {
            int stored = next.get();
            int indexed = file.getIndexedRunCount();
            file.stop();
            long closed = usedHeapAfterGc();
            file.start();
            long reopened = usedHeapAfterGc();
            System.out.printf("file repository, %,d runs stored, %,d of them indexed in memory:%n", stored, indexed);
            System.out.printf("  index as built while running (dropped by stop): %,d KB = %,d bytes per stored run%n",
                    (contextStopped - closed) >> 10, (contextStopped - closed) / stored);
            System.out.printf("  heap after stop vs. start: %+,d KB = %+,d bytes per suspended run (runs without the"
                              + " index)%n", (closed - base) >> 10, (closed - base) / Math.max(1, done));
            System.out.printf("  index rebuilt from disk by start: %,d KB = %,d bytes per stored run%n",
                    (reopened - closed) >> 10, (reopened - closed) / stored);
        }
        stores.close();
        long allClosed = usedHeapAfterGc();
        System.out.printf("repository closed: %,d KB (vs. start %+,d KB)%n", allClosed >> 10, (allClosed - base) >> 10);
    }

    private static void print(int stored, long used, long base, int done, double seconds) {
        System.out.printf("%,22d %,9d KB %+,11d KB %+,14d B %10s%n", stored, used >> 10, (used - base) >> 10,
                done == 0 ? 0 : (used - base) / done, seconds == 0 ? "" : String.format("%.1f", seconds));
    }

    private static void suspend(ProducerTemplate template, Endpoint approval, AtomicInteger next, int count)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            int from = next.get();
            AtomicInteger claimed = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while ((i = claimed.getAndIncrement()) < count) {
                        Object reply = template.requestBody(approval, "order-" + (from + i));
                        if (!(reply instanceof java.util.Map<?, ?> map) || !"approval".equals(map.get("waitingFor"))) {
                            throw new IllegalStateException("Not suspended: " + reply);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            next.addAndGet(count);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Used heap after a full GC, the least of five tries. */
    static long usedHeapAfterGc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
