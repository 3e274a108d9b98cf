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

    /**
     * Installs the plugin if Camel did not load it (it finds plugins through the application class loader, which some
     * launchers leave unset): the component calls this when it is created. Steps of routes built before that moment
     * are not flow steps; {@link #warnAboutUnwrappedSteps} names them once the context has started.
     */
    public static void ensureInstalled(CamelContext context) {
        new FlowStateContextPlugin().load(context);
    }

    /** Logs a WARN naming the steps with ids that were built before the plugin was installed. */
    public static void warnAboutUnwrappedSteps(CamelContext context) {
        FlowStepInterceptStrategy strategy
                = context.getCamelContextExtension().getContextPlugin(FlowStepInterceptStrategy.class);
        org.apache.camel.model.Model model = context.getCamelContextExtension().getContextPlugin(org.apache.camel.model.Model.class);
        if (strategy == null || model == null) {
            return;
        }
        java.util.List<String> missed = new java.util.ArrayList<>();
        for (org.apache.camel.model.RouteDefinition route : model.getRouteDefinitions()) {
            collectUnwrapped(route, strategy, missed);
        }
        if (!missed.isEmpty()) {
            org.slf4j.LoggerFactory.getLogger(FlowStateContextPlugin.class).warn(
                    "The steps {} were built before camel-flowstate was loaded, so they record no results and are not"
                    + " checkpointed. Camel did not find camel-flowstate's plugin with its application class loader: set"
                    + " it on the CamelContext, or have the component created before the routes (e.g. any"
                    + " camel.component.flowstate.* property in application.properties).",
                    missed);
        }
    }

    private static void collectUnwrapped(NamedNode node, FlowStepInterceptStrategy strategy, java.util.List<String> missed) {
        if (node instanceof org.apache.camel.model.StepDefinition step && step.hasCustomIdAssigned()
                && !strategy.isKnownStep(step.getId())) {
            missed.add(step.getId());
        }
        if (node instanceof ProcessorDefinition<?> processor) {
            for (ProcessorDefinition<?> output : processor.getOutputs()) {
                collectUnwrapped(output, strategy, missed);
            }
        }
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
