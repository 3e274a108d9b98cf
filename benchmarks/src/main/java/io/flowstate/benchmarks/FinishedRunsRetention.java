package io.flowstate.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntSupplier;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;

/**
 * What many finished runs cost a repository: stores {@code runs} COMPLETED runs (4 threads, through the repository
 * SPI, finished one millisecond apart), then prints the used heap (after full GCs, the least of 5), the time of the
 * retention calls the component's maintenance makes every {@code recoveryInterval} (nothing old enough; a cap above
 * the count; a cap 100 below it; a retention that removes the first second's runs), of a restart, and of a find of
 * COMPLETED runs.
 * <p>
 * Not a JMH benchmark (one long measurement). Run, after {@code mvn -pl benchmarks -am package -DskipTests}:
 * <pre>
 * java -Xmx1g -cp benchmarks/target/benchmarks.jar io.flowstate.benchmarks.FinishedRunsRetention [runs] [repository...]
 * </pre>
 * {@code runs} defaults to 100000, repositories to {@code file}.
 */
public final class FinishedRunsRetention {

    private static final int THREADS = 4;

    private FinishedRunsRetention() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<String> kinds = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("file");
        for (String kind : kinds) {
            measure(kind, runs);
        }
    }

    private static void measure(String kind, int runs) throws Exception {
        System.out.printf("%n== %s repository: %,d finished runs%n", kind, runs);
        try (BenchStores stores = BenchStores.open(kind, THREADS + 2)) {
            FlowSnapshotRepository repository = stores.repository;
            long base = SuspendedRunsHeap.usedHeapAfterGc();
            Instant finished = Instant.now();
            long started = System.nanoTime();
            store(repository, runs, finished);
            System.out.printf("stored in %.1f s; used heap %+,d KB vs. before%n", (System.nanoTime() - started) / 1e9,
                    (SuspendedRunsHeap.usedHeapAfterGc() - base) >> 10);
            for (int i = 0; i < 3; i++) {
                time("purgeFinished(now - 7 days)", () -> repository.purgeFinished(finished.minus(Duration.ofDays(7))));
            }
            time("purgeFinishedBeyond(runs + 10)", () -> repository.purgeFinishedBeyond(runs + 10));
            time("purgeFinishedBeyond(runs - 100)", () -> repository.purgeFinishedBeyond(runs - 100));
            time("purgeFinished(first second's runs)", () -> repository.purgeFinished(finished.plusSeconds(1)));
            long stopped = System.nanoTime();
            repository.stop();
            repository.start();
            System.out.printf("%-40s %,8.0f ms; used heap %+,d KB vs. before%n", "stop and start",
                    (System.nanoTime() - stopped) / 1e6, (SuspendedRunsHeap.usedHeapAfterGc() - base) >> 10);
            time("find COMPLETED, first page of 100", () -> repository.find(
                    FlowSnapshotQuery.builder().status(FlowStatus.COMPLETED).pageSize(100).build()).items().size());
            if (repository instanceof FileFlowSnapshotRepository file) {
                System.out.printf("runs indexed in memory: %d%n", file.getIndexedRunCount());
            }
        }
    }

    private static void store(FlowSnapshotRepository repository, int runs, Instant finished) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int first = t;
                futures.add(pool.submit(() -> {
                    for (int i = first; i < runs; i += THREADS) {
                        repository.save(FlowSnapshot.builder().executionId("done-" + i).flowId("orders")
                                .routeId("approval").status(FlowStatus.COMPLETED).createdAt(finished)
                                .updatedAt(finished.plusMillis(i))
                                .state(JsonNodeFactory.instance.objectNode().put("order", "x".repeat(200)))
                                .build(), 0);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void time(String what, IntSupplier call) {
        long started = System.nanoTime();
        int result = call.getAsInt();
        System.out.printf("%-40s %,8.0f ms (result %d)%n", what, (System.nanoTime() - started) / 1e6, result);
    }
}
