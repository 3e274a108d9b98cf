package io.flowstate.camel.step;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.ContextServicePlugin;

/**
 * Loaded by Camel (Java ServiceLoader) when any CamelContext is built, before its routes: installs the strategy that
 * turns {@code step}s into flow steps, so no route needs extra markup in any DSL.
 */
public final class FlowStateContextPlugin implements ContextServicePlugin {

    @Override
    public void load(CamelContext context) {
        if (context.getCamelContextExtension().getContextPlugin(FlowStepInterceptStrategy.class) == null) {
            FlowStepInterceptStrategy strategy = new FlowStepInterceptStrategy();
            context.getCamelContextExtension().addContextPlugin(FlowStepInterceptStrategy.class, strategy);
            context.getCamelContextExtension().addInterceptStrategy(strategy);
        }
    }
}
