package io.flowstate.camel.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.model.Model;
import org.apache.camel.model.OnCompletionDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.StepDefinition;
import org.apache.camel.spi.InterceptStrategy;

/**
 * Makes every Camel {@code step} with an id a flow step, in every route of the context and every DSL: wraps it in a
 * {@link FlowStepProcessor}. Also wraps the body of every split, loop and multicast branch to note the iteration (or
 * branch) index, so a step inside them records one result per iteration ({@code check[2]}).
 * <p>
 * Installed by {@link FlowStateContextPlugin} before any route is built. Knows every step id it wrapped, so a resume
 * can tell whether the steps a run completed still exist.
 */
public final class FlowStepInterceptStrategy implements InterceptStrategy {

    private final Set<String> stepIds = ConcurrentHashMap.newKeySet();

    @Override
    public Processor wrapProcessorInInterceptors(
            CamelContext context, NamedNode definition, Processor target, Processor nextTarget) {
        Processor wrapped = target;
        if (definition instanceof StepDefinition step && step.hasCustomIdAssigned()) {
            stepIds.add(step.getId());
            wrapped = new FlowStepProcessor(step.getId(), IterationNodes.tokensAround(definition), isLastOfRoute(step),
                    wrapped);
        }
        NamedNode parent = definition.getParent();
        if (IterationNodes.isIterationBody(parent, definition)) {
            wrapped = new IterationIndexProcessor(
                    IterationNodes.token(parent), IterationNodes.indexProperty(parent), wrapped);
        }
        return wrapped;
    }

    /**
     * Whether the step is the last processor of its route, written at the route's top level (not inside a choice, split
     * or another EIP), in a route without onCompletion: when its exchange is in that route alone, nothing of the route
     * runs after the step before the exchange ends.
     */
    static boolean isLastOfRoute(StepDefinition step) {
        if (!(step.getParent() instanceof RouteDefinition route)) {
            return false;
        }
        List<ProcessorDefinition<?>> outputs = route.getOutputs();
        if (outputs.stream().anyMatch(OnCompletionDefinition.class::isInstance)) {
            return false; // it runs when the exchange ends, maybe before the run's completion: keep the checkpoint
        }
        for (int i = outputs.size() - 1; i >= 0; i--) {
            ProcessorDefinition<?> output = outputs.get(i);
            if (output == step) {
                return true;
            }
            if (!output.isAbstract()) {
                return false; // a processor runs after the step
            }
        }
        return false;
    }

    /** Whether the step id is (still) a flow step of this context. */
    public boolean isKnownStep(String stepId) {
        return stepIds.contains(stepId);
    }

    /** The ids of the flow steps written in route {@code routeId}, in the order they are written; empty if none. */
    public List<String> stepsOf(CamelContext context, String routeId) {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        RouteDefinition route = model == null ? null : model.getRouteDefinition(routeId);
        List<String> steps = new ArrayList<>();
        if (route != null) {
            collectSteps(route, steps);
        }
        return steps;
    }

    private void collectSteps(ProcessorDefinition<?> node, List<String> steps) {
        if (node instanceof StepDefinition step && step.hasCustomIdAssigned() && isKnownStep(step.getId())) {
            steps.add(step.getId());
        }
        for (ProcessorDefinition<?> output : node.getOutputs()) {
            collectSteps(output, steps);
        }
    }
}
