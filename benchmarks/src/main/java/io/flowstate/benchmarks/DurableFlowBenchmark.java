package io.flowstate.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.execution.CheckpointPolicy;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Issue 4: the cost of a durable 10-step flow. One run = one exchange through a route of ten {@code step}s, each a
 * trivial body change, with {@code checkpoint=afterEachStep}: the run is saved after every step (the first save whole,
 * then deltas) and once more when it completes, eleven writes per run. Compared with the same route without
 * {@code flowstate:start} ({@code repository=none}): the steps then carry no run and pass straight through.
 * <p>
 * Finished runs are capped at 10,000 per repository ({@code maxFinishedRuns}, applied every second by the component's
 * background pass, as a production node would), so a long run does not fill the disk or the heap.
 * <p>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar DurableFlowBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = { "-Xms1g", "-Xmx1g" })
public class DurableFlowBenchmark {

    static final int STEPS = 10;

    @Param({ "none", "memory", "file", "h2", "postgres" })
    public String repository;

    private BenchStores stores;
    private CamelContext context;
    private ProducerTemplate template;
    private Endpoint flow;

    @Setup
    public void start() throws Exception {
        boolean durable = !repository.equals("none");
        context = new DefaultCamelContext();
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        component.setCheckpoint(CheckpointPolicy.AFTER_EACH_STEP);
        component.setMaxFinishedRuns(10_000);
        component.setRecoveryInterval(Duration.ofSeconds(1));
        if (durable) {
            stores = BenchStores.open(repository, 4);
            component.setRepository(stores.repository);
        } else {
            stores = BenchStores.open("memory", 1); // unused: no run is ever started
            component.setRepository(stores.repository);
        }
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                RouteDefinition route = from("direct:flow").routeId("flow");
                if (durable) {
                    route.to("flowstate:start");
                }
                for (int i = 1; i <= STEPS; i++) {
                    String suffix = "-" + i;
                    route.step("s" + i).setBody(e -> e.getMessage().getBody(String.class) + suffix).end();
                }
            }
        });
        context.start();
        template = context.createProducerTemplate();
        flow = context.getEndpoint("direct:flow");
        Object reply = template.requestBody(flow, "order-42");
        if (!"order-42-1-2-3-4-5-6-7-8-9-10".equals(reply)) {
            throw new IllegalStateException("The flow replied " + reply);
        }
    }

    @TearDown
    public void stop() throws Exception {
        context.stop();
        stores.close();
    }

    @Benchmark
    public Object run() {
        return template.requestBody(flow, "order-42");
    }
}
