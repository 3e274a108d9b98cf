package io.flowstate.camel.metrics;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which MeterRegistry of the Camel registry the run metrics go to, when it holds none, one or several. */
class MeterRegistryChoiceTest {

    private final CamelContext context = new DefaultCamelContext();

    @Test
    void noneWithoutAMeterRegistryBean() {
        assertThat(FlowStateMetrics.find(context)).isNull();
    }

    @Test
    void theOnlyOne() {
        SimpleMeterRegistry only = new SimpleMeterRegistry();
        context.getRegistry().bind("meters", only);

        assertThat(FlowStateMetrics.find(context)).isSameAs(only);
    }

    @Test
    void camelMicrometersBeanAmongSeveral() {
        SimpleMeterRegistry camels = new SimpleMeterRegistry();
        context.getRegistry().bind("other", new SimpleMeterRegistry());
        context.getRegistry().bind(FlowStateMetrics.CAMEL_REGISTRY_NAME, camels);

        assertThat(FlowStateMetrics.find(context)).isSameAs(camels);
    }

    @Test
    void theCompositeOverOneRegistryPerBackend() {
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        context.getRegistry().bind("prometheus", new SimpleMeterRegistry());
        context.getRegistry().bind("jmx", new SimpleMeterRegistry());
        context.getRegistry().bind("composite", composite);

        assertThat(FlowStateMetrics.find(context)).isSameAs(composite);
    }

    @Test
    void noneAmongSeveralWithoutAName() {
        context.getRegistry().bind("one", new SimpleMeterRegistry());
        context.getRegistry().bind("two", new SimpleMeterRegistry());

        assertThat(FlowStateMetrics.find(context)).as("a warning says to name one metricsRegistry").isNull();
    }
}
