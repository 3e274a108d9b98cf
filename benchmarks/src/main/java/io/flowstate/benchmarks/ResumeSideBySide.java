package io.flowstate.benchmarks;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;

/**
 * Resume latency with few vs many stored runs, measured side by side: two stores of the same kind, one holding
 * {@code small} other suspended runs and one {@code large}, each with its CamelContext; resumes alternate between them
 * (ABBA order), so both see the same disk, neighbours and JIT state. {@link ResumeLatencyBenchmark} measures them
 * one after the other with JMH; on a shared machine this alternation is the fairer comparison.
 * <p>
 * Each sample: a run suspended through the route (not timed), its resume until the run completed (timed, as in the JMH
 * benchmark), the run removed (not timed).
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.flowstate.benchmarks.ResumeSideBySide [samples] [repository...]
 * </pre>
 * {@code samples} per store defaults to 2000 (after 300 warm-up), repositories to {@code file h2 postgres}; stores of
 * 1,000 and 100,000 runs.
 * <p>
 * On the JDBC stores each sample also times the medium's own cost of one row write in the same runs table: a versioned
 * single-row UPDATE of a stored run that is never resumed ({@code SET version = version + 1, updated_at = ? WHERE
 * execution_id = ? AND version = ?}), and the same UPDATE that also rewrites the row's snapshot column with the run's
 * document, so a growth of the resume can be told apart from a growth of the database's own writes with its table.
 */
public final class ResumeSideBySide {

    private static final int SMALL = 1_000;
    private static final int LARGE = 100_000;

    private ResumeSideBySide() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        List<String> kinds = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("file", "h2", "postgres");
        System.out.printf("%-9s %9s %8s %9s %9s %9s %9s%n", "repository", "stored", "samples", "mean µs", "p50 µs",
                "p90 µs", "p99 µs");
        for (String kind : kinds) {
            try (Side small = new Side(kind, SMALL); Side large = new Side(kind, LARGE)) {
                for (int i = 0; i < 300; i++) {
                    small.sample();
                    large.sample();
                }
                long[] a = new long[samples];
                long[] b = new long[samples];
                long[] rawA = new long[samples];
                long[] rawB = new long[samples];
                long[] docA = new long[samples];
                long[] docB = new long[samples];
                for (int i = 0; i < samples; i++) {
                    if (i % 2 == 0) {
                        a[i] = small.sample();
                        b[i] = large.sample();
                        rawA[i] = small.rawRowUpdate();
                        rawB[i] = large.rawRowUpdate();
                        docA[i] = small.rawDocUpdate();
                        docB[i] = large.rawDocUpdate();
                    } else {
                        docB[i] = large.rawDocUpdate();
                        docA[i] = small.rawDocUpdate();
                        rawB[i] = large.rawRowUpdate();
                        rawA[i] = small.rawRowUpdate();
                        b[i] = large.sample();
                        a[i] = small.sample();
                    }
                }
                printRatio(kind, "resume", a, b);
                if (small.hasRawRow()) {
                    printRatio(kind, "raw row UPDATE", rawA, rawB);
                    printRatio(kind, "raw row UPDATE with document", docA, docB);
                }
            }
        }
    }

    private static void printRatio(String kind, String what, long[] small, long[] large) {
        System.out.println(what + ":");
        double[] fa = print(kind, SMALL, small);
        double[] fb = print(kind, LARGE, large);
        System.out.printf("%-9s %9s %8s %9.2f %9.2f %9.2f %9.2f%n", kind, "ratio", "", fb[0] / fa[0],
                fb[1] / fa[1], fb[2] / fa[2], fb[3] / fa[3]);
    }

    private static double[] print(String kind, int stored, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0) / 1e3;
        double[] figures = { mean, at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99) };
        System.out.printf("%-9s %,9d %8d %9.0f %9.0f %9.0f %9.0f%n", kind, stored, nanos.length, figures[0],
                figures[1], figures[2], figures[3]);
        return figures;
    }

    private static double at(long[] sorted, double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1e3;
    }

    /** One store with its CamelContext and approval route. */
    private static final class Side implements AutoCloseable {

        private final BenchStores stores;
        private final ApprovalFlow flow;
        private final FlowSnapshotSummary rawRow;
        private final String rawDocument;
        private long rawVersion;

        Side(String kind, int storedRuns) throws Exception {
            stores = BenchStores.open(kind, 8);
            flow = new ApprovalFlow(stores.repository);
            FlowSnapshot stored = flow.suspended();
            ResumeLatencyBenchmark.storeCopies(stores.repository, stored, storedRuns - 1);
            stores.settle();
            rawRow = stores.repository.find(FlowSnapshotQuery.builder().pageSize(1).build()).items().get(0);
            rawVersion = rawRow.version();
            rawDocument = new String(new FlowSnapshotCodec().encode(stored, 1), StandardCharsets.UTF_8);
        }

        boolean hasRawRow() {
            return stores.dataSource() != null;
        }

        /** One versioned single-row UPDATE of a stored run's row, auto-commit (ns); 0 without a database. */
        long rawRowUpdate() {
            return rawUpdate(null);
        }

        /**
         * The same row UPDATE that also rewrites the row's snapshot column with a run document (ns); 0 without a
         * database.
         */
        long rawDocUpdate() {
            return rawUpdate(rawDocument);
        }

        private long rawUpdate(String document) {
            if (!hasRawRow()) {
                return 0;
            }
            long started = System.nanoTime();
            try (Connection c = stores.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                    "UPDATE flowstate_runs SET " + (document != null ? "snapshot = ?, " : "")
                                                                                               + "version = version + 1, updated_at = ? WHERE execution_id = ? AND version = ?")) {
                int i = 1;
                if (document != null) {
                    ps.setString(i++, document);
                }
                ps.setObject(i++, OffsetDateTime.now(ZoneOffset.UTC));
                ps.setString(i++, rawRow.executionId());
                ps.setLong(i, rawVersion);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("Run " + rawRow.executionId() + " is not at version " + rawVersion);
                }
                rawVersion++;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return System.nanoTime() - started;
        }

        /** Suspends a run, times its resume until it completed (ns), removes it. */
        long sample() {
            return flow.sample();
        }

        @Override
        public void close() throws Exception {
            flow.close();
            stores.close();
        }
    }
}
