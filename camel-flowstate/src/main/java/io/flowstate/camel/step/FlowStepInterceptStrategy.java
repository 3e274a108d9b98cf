package io.flowstate.camel.step;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.model.LoopDefinition;
import org.apache.camel.model.MulticastDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.SplitDefinition;
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

    private final Map<NamedNode, String> iterationNodes = Collections.synchronizedMap(new IdentityHashMap<>());
    private final Set<String> stepIds = ConcurrentHashMap.newKeySet();

    @Override
    public Processor wrapProcessorInInterceptors(
            CamelContext context, NamedNode definition, Processor target, Processor nextTarget) {
        Processor wrapped = target;
        if (definition instanceof StepDefinition step && step.hasCustomIdAssigned()) {
            stepIds.add(step.getId());
            wrapped = new FlowStepProcessor(step.getId(), iterationAncestors(definition), wrapped);
        }
        NamedNode parent = definition.getParent();
        if (isIterationBody(parent, definition)) {
            wrapped = new IterationIndexProcessor(token(parent), indexProperty(parent), wrapped);
        }
        return wrapped;
    }

    /** Whether the step id is (still) a flow step of this context. */
    public boolean isKnownStep(String stepId) {
        return stepIds.contains(stepId);
    }

    /** Tokens of the split/loop/multicast nodes around {@code node}, outermost first. */
    private List<String> iterationAncestors(NamedNode node) {
        List<String> tokens = new ArrayList<>();
        NamedNode child = node;
        for (NamedNode parent = node.getParent(); parent != null; child = parent, parent = parent.getParent()) {
            if (isIterationBody(parent, child)) {
                tokens.add(0, token(parent));
            }
        }
        return tokens;
    }

    private String token(NamedNode iterationNode) {
        return iterationNodes.computeIfAbsent(iterationNode, n -> "iteration-" + iterationNodes.size());
    }

    /**
     * Every output of a split or loop runs once per iteration (Camel wraps each output on its own, so each notes the
     * index: a step after other outputs needs it as much as a first one); every output of a multicast is one branch.
     */
    private static boolean isIterationBody(NamedNode parent, NamedNode child) {
        if (parent instanceof MulticastDefinition) {
            return true;
        }
        if (parent instanceof SplitDefinition || parent instanceof LoopDefinition) {
            return ((ProcessorDefinition<?>) parent).getOutputs().stream().anyMatch(output -> output == child);
        }
        return false;
    }

    private static String indexProperty(NamedNode iterationNode) {
        if (iterationNode instanceof SplitDefinition) {
            return Exchange.SPLIT_INDEX;
        }
        return iterationNode instanceof LoopDefinition ? Exchange.LOOP_INDEX : Exchange.MULTICAST_INDEX;
    }
}
