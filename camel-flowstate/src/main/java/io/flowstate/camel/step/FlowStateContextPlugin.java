package io.flowstate.camel.step;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.spi.ContextServicePlugin;

/**
 * Loaded by Camel (Java ServiceLoader) when any CamelContext is built, before its routes: installs the strategy that
 * turns {@code step}s into flow steps, so no route needs extra markup in any DSL, and the route policy that ends inner
 * runs when their route returns.
 */
public final class FlowStateContextPlugin implements ContextServicePlugin {

    /**
     * Only a route with a flowstate:start:FLOW can run an inner flow, so only such routes get the policy: the others
     * pay nothing per exchange.
     */
    static boolean startsNamedFlow(NamedNode node) {
        if (node instanceof SendDefinition<?> send && isNamedStart(send.getEndpointUri())) {
            return true;
        }
        if (node instanceof ToDynamicDefinition dynamic && isNamedStart(dynamic.getUri())) {
            return true;
        }
        if (node instanceof ProcessorDefinition<?> processor) {
            for (ProcessorDefinition<?> output : processor.getOutputs()) {
                if (startsNamedFlow(output)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isNamedStart(String uri) {
        return uri != null && (uri.startsWith("flowstate:start:") || uri.startsWith("flowstate://start:"));
    }

    @Override
    public void load(CamelContext context) {
        if (context.getCamelContextExtension().getContextPlugin(FlowStepInterceptStrategy.class) == null) {
            FlowStepInterceptStrategy strategy = new FlowStepInterceptStrategy();
            context.getCamelContextExtension().addContextPlugin(FlowStepInterceptStrategy.class, strategy);
            context.getCamelContextExtension().addInterceptStrategy(strategy);
            context.addRoutePolicyFactory(
                    (camelContext, routeId, route) -> startsNamedFlow(route) ? new FlowRoutePolicy() : null);
        }
    }
}
