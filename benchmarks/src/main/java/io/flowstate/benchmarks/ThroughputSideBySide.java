package io.flowstate.benchmarks;

import java.beans.BeanInfo;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.ToDoubleFunction;

import io.flowstate.camel.FlowStateComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Issue 19 part 4 in one process and one run: the three throughput and latency ratios of camel-flowstate on PostgreSQL
 * against the raw limit, a versioned single-row {@code UPDATE} of an ~850 B document ({@link RawUpdates}), measured
 * side by side on one embedded PostgreSQL server (fsync, synchronous_commit and full_page_writes on, as
 * {@link BenchStores}), one Hikari pool, and the JDBC repository with its default options (printed at the top).
 * <pre>
 * mvn -B -o -q -pl camel-flowstate,benchmarks package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.flowstate.benchmarks.ThroughputSideBySide [name=value...]
 * </pre>
 * Arguments and defaults are in {@link ThroughputSettings} (e.g. {@code callers=8 rounds=3 phaseSeconds=2
 * largeStore=10000} for a short check); the run prints them all first, as the command line that repeats it.
 * <ol>
 * <li><b>Runs in flight.</b> Throughput phases of {@code phaseSeconds}, interleaved: in every round one raw phase
 * ({@code rawClients} threads, each UPDATE-ing its own row, auto-commit) and one flow phase per {@code callers} count
 * (that many threads, each starting run after run of the W1 flow of {@link TenStepRoutes}: {@code flowstate:start} and
 * ten steps each setting one state value, {@code checkpoint=afterEachStep}), in an order rotated each round so all see
 * the same background load. Figures: the median over the rounds of each kind's rate (raw UPDATEs/s; checkpointed
 * steps/s = runs × 10 / s), and the CPU time of this JVM and of the PostgreSQL server (postmaster and its children,
 * from /proc) per 1,000 UPDATEs or steps, with the cores each used on average: on a small machine shared by Java and
 * the database these say which side limits a figure. Ratio 1: flow steps/s ÷ raw UPDATEs/s (target ≥ 1.0).</li>
 * <li><b>One run alone.</b> (a) repository level: {@code saveDelta} of a steady step ({@link CheckpointRuns}) and one
 * raw UPDATE, alternating, {@code pairs} rounds: ratio of the medians and of the means (target ≤ 1.25). (b) flow
 * level: one caller's W1 run, timed whole and divided by its 10 steps, alternating with one raw UPDATE: the time per
 * step ÷ the raw UPDATE's median, the peer table's "overhead" figure.</li>
 * <li><b>W3 resume.</b> {@code a → suspend → b} ({@link ApprovalRoutes}): the time from {@code flowstate:resume}
 * until the run completed, on two repositories in the same database (table prefixes {@code w3small_} and
 * {@code w3large_}) holding {@code smallStore} and {@code largeStore} suspended runs, alternating with each other and
 * with a raw UPDATE. Ratios: resume p50 ÷ raw UPDATE p50 (target ≤ 5) and large ÷ small (target: flat, ~1.0).</li>
 * </ol>
 * The last lines print the three ratios. Finished runs of the throughput phases are capped by the component's
 * {@code maxFinishedRuns} (its background pass deletes older ones, as a production node would).
 */
public final class ThroughputSideBySide {

    private ThroughputSideBySide() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        ThroughputSettings settings = ThroughputSettings.parse(args);
        System.out.println("command: java -cp benchmarks/target/benchmarks.jar " + ThroughputSideBySide.class.getName()
                           + " " + settings.arguments());
        System.out.printf("machine: %d cores, Java %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        try (BenchStores stores = BenchStores.open("postgres", settings.pool())) {
            printDatabase(stores, settings);
            CpuMeter cpu = new CpuMeter().process(ThroughputPhase.JVM, ProcessHandle.current().pid())
                    .processTree(ThroughputPhase.POSTGRES, stores.postmasterPid());
            TenStepRoutes w1 = new TenStepRoutes(settings.stateBytes());
            RawUpdates raw = new RawUpdates(stores.dataSource(), settings.rawClients(), w1.documents(16));
            CamelContext context = new DefaultCamelContext();
            FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
            component.setRepository(stores.repository);
            component.setMaxFinishedRuns(settings.maxFinishedRuns());
            context.addRoutes(w1);
            context.start();
            System.out.println("component: " + options(component));
            try {
                TenStepFlow flow = new TenStepFlow(context, stores.repository);
                System.out.printf("W1 run: %d steps, state %d B of JSON after its last step; raw document %d B;"
                                  + " postmaster pid %d%n%n", TenStepRoutes.STEPS, flow.checkedStateBytes(),
                        raw.documentBytes(), stores.postmasterPid());
                double[] inFlight = inFlight(settings, cpu, raw, flow);
                double[] alone = AloneComparison.run(settings, stores.repository, raw, flow);
                double[] resume = ResumeComparison.run(settings, stores, raw);
                printRatios(settings, inFlight, alone, resume);
                System.out.printf("(whole run %.0f s)%n", (System.nanoTime() - started) / 1e9);
            } finally {
                context.stop();
            }
        }
    }

    private static void printDatabase(BenchStores stores, ThroughputSettings settings) throws Exception {
        StringJoiner server = new StringJoiner(", ");
        try (Connection c = stores.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String name : List.of("server_version", "fsync", "synchronous_commit", "full_page_writes",
                    "shared_buffers", "max_connections")) {
                try (ResultSet rs = s.executeQuery("SHOW " + name)) {
                    rs.next();
                    server.add(name + "=" + rs.getString(1));
                }
            }
        }
        System.out.println("PostgreSQL (embedded): " + server);
        System.out.println("Hikari pool: " + settings.pool() + " connections, shared by all parts");
        System.out.println("repository: " + stores.repository.getClass().getSimpleName() + " " + options(
                stores.repository));
    }

    /** The bean's settable options of simple types, as {@code name=value}: the defaults as run. */
    private static String options(Object bean) throws Exception {
        BeanInfo info = Introspector.getBeanInfo(bean.getClass(), Object.class);
        StringJoiner options = new StringJoiner(" ");
        for (PropertyDescriptor p : info.getPropertyDescriptors()) {
            Class<?> type = p.getPropertyType();
            boolean simple = type != null && (type.isPrimitive() || Number.class.isAssignableFrom(type)
                                              || type == String.class || type == Boolean.class || type.isEnum()
                                              || type == Duration.class);
            if (simple && p.getReadMethod() != null && p.getWriteMethod() != null) {
                options.add(p.getName() + "=" + p.getReadMethod().invoke(bean));
            }
        }
        return options.toString();
    }

    // ---------------------------------------------------------------- 1. runs in flight

    private record Kind(String label, String unit, int threads, ThroughputPhase.Work work) {
    }

    /** Median rates: [0] raw UPDATEs/s, then steps/s per callers count. */
    private static double[] inFlight(ThroughputSettings settings, CpuMeter cpu, RawUpdates raw, TenStepFlow flow)
            throws Exception {
        List<Kind> kinds = new ArrayList<>();
        kinds.add(new Kind("raw UPDATE x" + settings.rawClients(), "UPDATEs", settings.rawClients(), raw::update));
        for (int callers : settings.callers()) {
            kinds.add(new Kind("W1 flow x" + callers, "steps", callers, thread -> {
                flow.run();
                return TenStepRoutes.STEPS;
            }));
        }
        System.out.printf("== 1. runs in flight: %d rounds of %d phases of %d s, order rotated each round ==%n",
                settings.rounds(), kinds.size(), settings.phase().toSeconds());
        for (Kind kind : kinds) {
            ThroughputPhase.run(kind.threads(), settings.warmup(), cpu, kind.work());
        }
        Map<Kind, List<ThroughputPhase.Result>> results = new LinkedHashMap<>();
        kinds.forEach(k -> results.put(k, new ArrayList<>()));
        for (int round = 0; round < settings.rounds(); round++) {
            for (int i = 0; i < kinds.size(); i++) {
                Kind kind = kinds.get((round + i) % kinds.size());
                results.get(kind).add(ThroughputPhase.run(kind.threads(), settings.phase(), cpu, kind.work()));
            }
        }
        System.out.printf("%-16s %-8s %10s %10s %10s %12s %12s %9s %9s%n", "phase", "unit", "median/s", "min/s",
                "max/s", "JVM cpu-s", "PG cpu-s", "JVM", "PG");
        System.out.printf("%-16s %-8s %10s %10s %10s %12s %12s %9s %9s%n", "", "", "", "", "", "per 1000",
                "per 1000", "cores", "cores");
        double[] medians = new double[kinds.size()];
        for (int k = 0; k < kinds.size(); k++) {
            Kind kind = kinds.get(k);
            List<ThroughputPhase.Result> r = results.get(kind);
            double[] rates = r.stream().mapToDouble(ThroughputPhase.Result::perSecond).sorted().toArray();
            medians[k] = median(r, ThroughputPhase.Result::perSecond);
            System.out.printf("%-16s %-8s %,10.0f %,10.0f %,10.0f %12.3f %12.3f %9.2f %9.2f%n", kind.label(),
                    kind.unit(), medians[k], rates[0], rates[rates.length - 1],
                    median(r, ThroughputPhase.Result::jvmCpuPerThousand),
                    median(r, ThroughputPhase.Result::postgresCpuPerThousand),
                    median(r, ThroughputPhase.Result::jvmCores), median(r, ThroughputPhase.Result::postgresCores));
        }
        System.out.println();
        return medians;
    }

    private static double median(List<ThroughputPhase.Result> results, ToDoubleFunction<ThroughputPhase.Result> f) {
        double[] sorted = results.stream().mapToDouble(f).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    // ---------------------------------------------------------------- the ratios

    private static void printRatios(ThroughputSettings settings, double[] inFlight, double[] alone, double[] resume) {
        System.out.println("== THE THREE RATIOS (issue 19 part 4) ==");
        StringJoiner steps = new StringJoiner("; ");
        List<Integer> callers = settings.callers();
        for (int i = 0; i < callers.size(); i++) {
            steps.add(String.format("%d callers %,.0f steps/s = %.2fx", callers.get(i), inFlight[i + 1],
                    inFlight[i + 1] / inFlight[0]));
        }
        System.out.printf("1. runs in flight: %s the raw %,.0f UPDATEs/s with %d clients (target >= 1.0)%n", steps,
                inFlight[0], settings.rawClients());
        System.out.printf("2. one run alone: step checkpoint = %.2fx one raw UPDATE p50 (%.2fx mean) (target <= 1.25);"
                          + " W1 flow step = %.2fx raw UPDATE p50 (the peer table's overhead)%n",
                alone[0], alone[1], alone[2]);
        System.out.printf("3. W3 resume until completed: %.2fx raw UPDATE p50 with %,d runs stored, %.2fx with %,d"
                          + " (target <= 5); %,d ÷ %,d stored = %.2fx (target flat)%n",
                resume[0], settings.smallStore(), resume[1], settings.largeStore(), settings.largeStore(),
                settings.smallStore(), resume[2]);
    }
}
