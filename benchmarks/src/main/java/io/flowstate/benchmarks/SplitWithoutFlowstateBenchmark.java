package io.flowstate.benchmarks;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.SplitDefinition;
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
 * Issue 14, defect e: what camel-flowstate on the classpath costs a CamelContext that never uses it. Camel loads the
 * component's context plugin in every context; a split of 100 items (parallel, and one by one) with a trivial body,
 * in a context where the plugin is loaded ({@code plugin=loaded}) and in one where it is hidden from Camel
 * ({@code plugin=absent}, as if camel-flowstate were not on the classpath). Time per split of 100 items.
 * <p>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar SplitWithoutFlowstateBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = { "-Xms512m", "-Xmx512m" })
public class SplitWithoutFlowstateBenchmark {

    static final int ITEMS = 100;

    /** Hides the plugin's service file from Camel, as a context without camel-flowstate on its classpath. */
    private static final ClassLoader WITHOUT_PLUGIN = new ClassLoader(SplitWithoutFlowstateBenchmark.class.getClassLoader()) {
        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return name.equals("META-INF/services/org.apache.camel.spi.ContextServicePlugin")
                    ? Collections.emptyEnumeration() : super.getResources(name);
        }
    };

    @Param({ "absent", "loaded" })
    public String plugin;

    @Param({ "true", "false" })
    public boolean parallel;

    private final List<Integer> items = IntStream.range(0, ITEMS).boxed().toList();
    private DefaultCamelContext context;
    private ProducerTemplate template;
    private Endpoint split;

    @Setup
    public void start() throws Exception {
        context = new DefaultCamelContext(false);
        if (plugin.equals("absent")) {
            context.setApplicationContextClassLoader(WITHOUT_PLUGIN);
        }
        context.build();
        boolean loaded = context.getCamelContextExtension().getInterceptStrategies().stream()
                .anyMatch(s -> s.getClass().getName().startsWith("io.flowstate.camel"));
        if (loaded != plugin.equals("loaded")) {
            throw new IllegalStateException("The flowstate plugin is " + (loaded ? "" : "not ") + "loaded");
        }
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                SplitDefinition items = from("direct:split").split(body());
                if (parallel) {
                    items.parallelProcessing();
                }
                items.process(e -> e.getMessage().setBody(e.getMessage().getBody(Integer.class) + 1)).end();
            }
        });
        context.start();
        template = context.createProducerTemplate();
        split = context.getEndpoint("direct:split");
    }

    @TearDown
    public void stop() {
        context.stop();
    }

    @Benchmark
    public Object split() {
        return template.requestBody(split, items);
    }
}
