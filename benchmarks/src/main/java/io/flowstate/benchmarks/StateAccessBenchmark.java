package io.flowstate.benchmarks;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.support.RunIds;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 2's target: a route doing flowstate:set + flowstate:get keeps at least 0.8x the throughput of the same route
 * doing setProperty + getProperty. Each exchange is a new run (started lazily by the set), as in a real route.
 * <p>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar StateAccessBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class StateAccessBenchmark {

    private CamelContext context;
    private ProducerTemplate template;
    private Endpoint property;
    private Endpoint flowstate;
    private Endpoint noop;
    private Endpoint startOnly;
    private Endpoint runIdentity;

    @Setup
    public void start() throws Exception {
        context = new DefaultCamelContext();
        context.addComponent("noop", new NoopComponent());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:property")
                        .setProperty("order", body())
                        .setBody(constant("other"))
                        .setBody(exchangeProperty("order"));
                // the property route, with only what every run needs before it holds any state: its id and the two
                // headers naming it; one processor does it all (a processor setting the property costs what
                // setProperty does)
                from("direct:runIdentity")
                        .process(exchange -> {
                            exchange.setProperty("order", exchange.getMessage().getBody());
                            exchange.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, RunIds.next(Instant.now()));
                            exchange.getMessage().setHeader(FlowStateConstants.FLOW_ID, "runIdentity");
                        })
                        .setBody(constant("other"))
                        .setBody(exchangeProperty("order"));
                from("direct:startOnly")
                        .to("flowstate:start")
                        .setBody(constant("other"))
                        .setBody(constant("order-42"));
                from("direct:noop")
                        .to("noop:set")
                        .setBody(constant("other"))
                        .to("noop:get");
                from("direct:flowstate")
                        .to("flowstate:set:order")
                        .setBody(constant("other"))
                        .to("flowstate:get:order");
            }
        });
        context.start();
        template = context.createProducerTemplate();
        // resolved once, as a consumer's route would be: the benchmark measures the routes, not URI parsing
        property = context.getEndpoint("direct:property");
        flowstate = context.getEndpoint("direct:flowstate");
        noop = context.getEndpoint("direct:noop");
        startOnly = context.getEndpoint("direct:startOnly");
        runIdentity = context.getEndpoint("direct:runIdentity");
    }

    @TearDown
    public void stop() {
        context.stop();
    }

    @Benchmark
    public Object exchangeProperty() {
        return template.requestBody(property, "order-42");
    }

    /** Control: the same route shape with two to() calls that do nothing, to show Camel's own cost of a to(). */
    @Benchmark
    public Object noopProducers() {
        return template.requestBody(noop, "order-42");
    }

    /** Decomposition: only the run's start (its id, its two headers, the property), no state operation. */
    @Benchmark
    public Object flowstateStartOnly() {
        return template.requestBody(startOnly, "order-42");
    }

    /**
     * Decomposition: the floor the design sets, in plain Camel: the property route plus a new UUIDv7 id and the headers
     * CamelFlowStateExecutionId and CamelFlowStateFlowId, no flowstate code.
     */
    @Benchmark
    public Object exchangePropertyWithRunIdentity() {
        return template.requestBody(runIdentity, "order-42");
    }

    @Benchmark
    public Object flowstateSetGet() {
        return template.requestBody(flowstate, "order-42");
    }
}
