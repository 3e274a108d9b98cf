package io.flowstate.camel.step;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Some launchers leave Camel's application class loader unset, so Camel does not find camel-flowstate's plugin: the
 * component installs it when it is created, and steps built after that are flow steps all the same.
 */
class PluginNotFoundByCamelTest {

    /** Hides the plugin's service file, as a launcher with its own class loader does. */
    private static final ClassLoader HIDING = new ClassLoader(PluginNotFoundByCamelTest.class.getClassLoader()) {
        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return name.equals("META-INF/services/org.apache.camel.spi.ContextServicePlugin")
                    ? Collections.emptyEnumeration() : super.getResources(name);
        }
    };

    @Test
    void theComponentInstallsTheStepsPluginWhenCamelDidNot() throws Exception {
        DefaultCamelContext context = new DefaultCamelContext(false);
        context.setApplicationContextClassLoader(HIDING);
        context.build();
        assertThat(context.getCamelContextExtension().getContextPlugin(FlowStepInterceptStrategy.class))
                .as("Camel did not load the plugin").isNull();
        MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
        context.getRegistry().bind("repo", repository);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:flow").to("flowstate:start").step("late").setBody(constant("done")).end();
            }
        });
        context.start();
        try {
            Exchange out = context.createProducerTemplate().request("direct:flow", e -> e.getMessage().setBody("x"));
            String id = out.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
            assertThat(repository.load(id).orElseThrow().completedSteps()).containsExactly("late");
        } finally {
            context.stop();
        }
    }
}
