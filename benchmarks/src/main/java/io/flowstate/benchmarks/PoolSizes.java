package io.flowstate.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * How many database connections a node's checkpoints need (docs/scaling.md): W1 runs ({@link SizingFlows}: start, 10
 * steps each changing one value of ~850 B of state, a checkpoint after each) with 8 and 16 runs in flight, against a
 * HikariCP pool of {@code maximumPoolSize} 2, 4, 8 and 16, on one embedded PostgreSQL with fsync and
 * synchronous_commit on. Each pool gets its own {@link JdbcFlowSnapshotRepository} with default options and its own
 * CamelContext with the component's defaults (so its maintenance pass and {@code recoveryThreads} share the pool, as
 * on a node).
 * <p>
 * Per pool size and runs in flight it prints checkpointed steps/s, the ratio to the raw rate below (measured before
 * the flows, with as many clients as runs in flight), and what the pool saw (sampled every 5 ms): connections in
 * use, mean and peak, and threads waiting for one, mean. Before and after the flows, the database's own write ceiling
 * in the same run: versioned single-row UPDATEs of an ~850 B row, each client its own row and connection,
 * auto-commit, with as many clients as each count of runs in flight. All figures are rates: on a shared machine they
 * move with its load (printed); compare the rows of one run.
 * <p>
 * Run, after {@code mvn -B -o -q -pl camel-flowstate,benchmarks package -DskipTests}:
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.flowstate.benchmarks.PoolSizes \
 *     [seconds] [warm-up seconds] [pool sizes] [runs in flight]
 * </pre>
 * Defaults: 8 s measured after 3 s of warm-up per row, pool sizes {@code 2,4,8,16}, runs in flight {@code 8,16}; about
 * 2.5 minutes.
 */
public final class PoolSizes {

    private PoolSizes() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int[] pools = ints(args.length > 2 ? args[2] : "2,4,8,16");
        int[] inFlight = ints(args.length > 3 ? args[3] : "8,16");
        System.out.printf("PoolSizes %d %d %s %s%n", seconds, warmUp, args.length > 2 ? args[2] : "2,4,8,16",
                args.length > 3 ? args[3] : "8,16");
        System.out.printf("%d s measured after %d s warm-up per row; repository and component defaults; load %s%n",
                seconds, warmUp, StorageFootprint.loadAverage());
        try (BenchStores stores = BenchStores.open("postgres", 2)) {
            double[] rawBefore = raw(stores, inFlight, seconds, warmUp);
            System.out.printf("%n%-6s %-9s %10s %12s %12s %12s %12s%n", "pool", "in flight", "steps/s",
                    "x raw", "in use mean", "in use peak", "waiting mean");
            for (int pool : pools) {
                for (int i = 0; i < inFlight.length; i++) {
                    double[] row = flows(stores, pool, inFlight[i], seconds, warmUp);
                    System.out.printf("%-6d %-9d %,10.0f %12.2f %12.1f %12.0f %12.1f%n", pool, inFlight[i], row[0],
                            row[0] / rawBefore[i], row[1], row[2], row[3]);
                }
            }
            raw(stores, inFlight, seconds, warmUp);
            System.out.printf("load at the end: %s%n", StorageFootprint.loadAverage());
        }
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /** Steps/s of W1 and the pool's {mean in use, peak in use, mean waiting}, on a fresh pool of {@code size}. */
    private static double[] flows(BenchStores stores, int size, int inFlight, int seconds, int warmUp)
            throws Exception {
        try (HikariDataSource pool = stores.newPool(size)) {
            JdbcFlowSnapshotRepository repository = new JdbcFlowSnapshotRepository(pool);
            CamelContext context = new DefaultCamelContext();
            context.getComponent("flowstate", FlowStateComponent.class).setRepository(repository);
            context.addRoutes(new SizingFlows((id, done) -> {
            }));
            context.start();
            try (ProducerTemplate template = context.createProducerTemplate()) {
                HikariPoolMXBean bean = pool.getHikariPoolMXBean();
                long[] sums = new long[4]; // in use: sum, peak; waiting: sum; samples
                long runs = drive(inFlight, seconds, warmUp, () -> template.requestBody(SizingFlows.W1, "order-42"),
                        () -> {
                            int active = bean.getActiveConnections();
                            sums[0] += active;
                            sums[1] = Math.max(sums[1], active);
                            sums[2] += bean.getThreadsAwaitingConnection();
                            sums[3]++;
                        });
                long samples = Math.max(1, sums[3]);
                return new double[] { runs * SizingFlows.STEPS / (double) seconds, sums[0] / (double) samples,
                        sums[1], sums[2] / (double) samples };
            } finally {
                repository.purgeFinished(Instant.now()); // the next row starts from the same tables, not timed
                context.stop();
                stores.settle();
            }
        }
    }

    /** Versioned single-row UPDATEs/s with each of {@code clients} counts, each client its own row and connection. */
    private static double[] raw(BenchStores stores, int[] clients, int seconds, int warmUp) throws Exception {
        int most = Arrays.stream(clients).max().orElse(1);
        String state = "x".repeat(850);
        try (HikariDataSource pool = stores.newPool(most)) {
            double[] rates = new double[clients.length];
            for (int i = 0; i < clients.length; i++) {
                try (Connection c = pool.getConnection(); Statement s = c.createStatement()) { // rows at version 0
                    s.execute("DROP TABLE IF EXISTS pool_sizes_raw");
                    s.execute("CREATE TABLE pool_sizes_raw (id INT PRIMARY KEY, version BIGINT NOT NULL,"
                              + " state TEXT NOT NULL)");
                    s.execute("INSERT INTO pool_sizes_raw SELECT g, 0, repeat('x', 850) FROM generate_series(0, "
                              + most + ") g");
                }
                AtomicLong nextRow = new AtomicLong();
                ThreadLocal<long[]> row = ThreadLocal.withInitial(() -> new long[] { nextRow.getAndIncrement(), 0 });
                long updates = drive(clients[i], seconds, warmUp, () -> update(pool, row.get(), state), () -> {
                });
                rates[i] = updates / (double) seconds;
                System.out.printf("raw versioned single-row UPDATE, %2d clients: %,8.0f UPDATEs/s (load %s)%n",
                        clients[i], rates[i], StorageFootprint.loadAverage());
            }
            return rates;
        }
    }

    private static void update(HikariDataSource pool, long[] row, String state) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE pool_sizes_raw SET state = ?, version = version + 1 WHERE id = ? AND version = ?")) {
            ps.setString(1, state);
            ps.setInt(2, (int) row[0]);
            ps.setLong(3, row[1]);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("Row " + row[0] + " is not at version " + row[1]);
            }
            row[1]++;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Calls {@code call} on {@code threads} threads for {@code warmUp} + {@code seconds} seconds; returns how many calls
     * completed in the measured seconds, while {@code sample} runs every 5 ms on this thread.
     */
    private static long drive(int threads, int seconds, int warmUp, Runnable call, Runnable sample) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(callers.submit(() -> {
                    while (!stop.get()) {
                        call.run();
                        if (measuring.get()) {
                            done.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(warmUp * 1000L);
            measuring.set(true);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                sample.run();
                Thread.sleep(5);
            }
            measuring.set(false);
            stop.set(true);
            for (Future<?> f : futures) {
                f.get();
            }
            return done.get();
        } finally {
            callers.shutdownNow();
        }
    }
}
