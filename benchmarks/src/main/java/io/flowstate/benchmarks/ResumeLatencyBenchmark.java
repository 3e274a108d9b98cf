package io.flowstate.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.support.RunIds;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 4: resume latency must not depend on how many runs are stored. Each trial first stores {@code storedRuns}
 * other suspended runs (copies of a real suspended run, written through the repository SPI by several threads), then
 * measures one resume: {@code flowstate:resume} with execution id and token until the run completes (claim by
 * compare-and-set, re-entry of the route, completed step skipped, suspend step yields the payload and is checkpointed,
 * the last step runs and is checkpointed, the run is saved COMPLETED: one load and four writes).
 * <p>
 * The run to resume is suspended through the route before each invocation and removed after it (neither is timed),
 * so the number of stored runs stays {@code storedRuns + 1}. After the bulk load the database is settled (PostgreSQL:
 * VACUUM ANALYZE, CHECKPOINT; H2: CHECKPOINT), as if the runs had accumulated over time. Sample mode: the mean and percentiles of single resumes.
 * <p>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar ResumeLatencyBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = { "-Xms1g", "-Xmx1g" })
public class ResumeLatencyBenchmark {

    @Param({ "file", "h2", "postgres" })
    public String repository;

    @Param({ "1000", "100000" })
    public int storedRuns;

    private BenchStores stores;
    private CamelContext context;
    private ProducerTemplate template;
    private Endpoint approval;
    private Endpoint resume;
    private String executionId;
    private String token;

    @Setup(Level.Trial)
    public void start() throws Exception {
        stores = BenchStores.open(repository, 8);
        context = new DefaultCamelContext();
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        component.setRepository(stores.repository);
        context.addRoutes(new ApprovalRoutes());
        context.start();
        template = context.createProducerTemplate();
        approval = context.getEndpoint(ApprovalRoutes.APPROVAL);
        resume = context.getEndpoint(ApprovalRoutes.RESUME);

        suspendOne();
        FlowSnapshot model = stores.repository.load(executionId).orElseThrow();
        long started = System.nanoTime();
        storeCopies(stores.repository, model, storedRuns);
        stores.settle();
        System.out.printf("%n[%s] stored %,d suspended runs in %.1f s%n", repository, storedRuns,
                (System.nanoTime() - started) / 1e9);
        stores.repository.delete(model.executionId(), model.version()); // the model itself: never resumed
    }

    /** Copies of a suspended run under new ids, saved by 8 threads. */
    static void storeCopies(FlowSnapshotRepository repository, FlowSnapshot model, int count) throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; i < count; i += threads) {
                        repository.save(model.toBuilder().executionId(RunIds.next(Instant.now())).build(), 0);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Setup(Level.Invocation)
    public void suspendOne() {
        Map<?, ?> reply = template.requestBody(approval, "order-7", Map.class);
        executionId = (String) reply.get("executionId");
        token = (String) reply.get("resumeToken");
    }

    @Benchmark
    public Object resumeUntilCompleted() {
        Exchange out = template.request(resume, e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, executionId);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, token);
            e.getMessage().setBody("ann");
        });
        if (out.getException() != null) {
            throw new IllegalStateException(out.getException());
        }
        return out.getMessage().getBody();
    }

    @TearDown(Level.Invocation)
    public void removeResumed() {
        FlowSnapshot run = stores.repository.load(executionId).orElseThrow();
        if (run.status() != FlowStatus.COMPLETED) {
            throw new IllegalStateException("Run " + executionId + " is " + run.status());
        }
        stores.repository.delete(executionId, run.version());
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        context.stop();
        stores.close();
    }
}
