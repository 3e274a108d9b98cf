package io.flowstate.camel.metrics;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Micrometer is optional: on a class path without it the component loads, starts and runs a flow, without metrics.
 * The class path is this test's own minus Micrometer's jars, in a class loader of its own, so every flowstate and
 * Camel class is loaded afresh from there. Checked: with {@link MetricsBinding}'s presence check removed, the run
 * fails with {@code NoClassDefFoundError: io/micrometer/core/instrument/MeterRegistry}.
 */
class MetricsWithoutMicrometerTest {

    @Test
    void theComponentRunsAFlowWithoutMicrometerOnTheClassPath() throws Exception {
        try (URLClassLoader withoutMicrometer = classPathWithoutMicrometer()) {
            assertThatThrownBy(() -> Class.forName(MetricsBinding.METER_REGISTRY, false, withoutMicrometer))
                    .as("the class path really lacks Micrometer").isInstanceOf(ClassNotFoundException.class);

            assertThat(callIn(withoutMicrometer, RunsAFlow.class)).isEqualTo("done order-1 without metrics");
        }
    }

    /** Runs {@code task} (a public class with a public no-argument constructor) loaded by {@code loader}. */
    private static Object callIn(ClassLoader loader, Class<? extends Callable<Object>> task) throws Exception {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            return ((Callable<?>) loader.loadClass(task.getName()).getConstructor().newInstance()).call();
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    private static URLClassLoader classPathWithoutMicrometer() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains(File.separator + "micrometer")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    /**
     * A context that looks for Camel's service files with this class's loader: without one set, Camel asks the
     * system class loader, whose flowstate classes are not the isolated ones.
     */
    private static CamelContext isolatedContext() {
        DefaultCamelContext context = new DefaultCamelContext(false);
        context.setApplicationContextClassLoader(MetricsWithoutMicrometerTest.class.getClassLoader());
        context.build();
        return context;
    }

    /** Starts a context with a flow on the memory repository and runs it once. */
    public static final class RunsAFlow implements Callable<Object> {
        @Override
        public Object call() throws Exception {
            try (CamelContext context = isolatedContext()) {
                FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
                component.setRepository(new MemoryFlowSnapshotRepository());
                context.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("direct:order").to("flowstate:start:order")
                                .step("ship").transform(simple("done ${body}")).end();
                    }
                });
                context.start();
                Object reply = context.createProducerTemplate().requestBody("direct:order", "order-1");
                component.getMaintenance().runOnce(); // a pass tells the observers too
                return reply + " without metrics";
            }
        }
    }
}
