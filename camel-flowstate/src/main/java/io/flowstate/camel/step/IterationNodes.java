package io.flowstate.camel.step;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.model.LoopDefinition;
import org.apache.camel.model.MulticastDefinition;
import org.apache.camel.model.OptionalIdentifiedDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SplitDefinition;

/**
 * Split, loop and multicast nodes of route definitions: which of their outputs run once per iteration (or branch), and
 * the token that names a node in an exchange's iteration position.
 */
final class IterationNodes {

    private IterationNodes() {
    }

    /**
     * Every output of a split or loop runs once per iteration (Camel wraps each output on its own, so each notes the
     * index: a step after other outputs needs it as much as a first one); every output of a multicast is one branch.
     */
    static boolean isIterationBody(NamedNode parent, NamedNode child) {
        if (parent instanceof MulticastDefinition) {
            return true;
        }
        if (parent instanceof SplitDefinition || parent instanceof LoopDefinition) {
            return indexAmongOutputs(parent, child) >= 0;
        }
        return false;
    }

    /** The exchange property in which Camel gives the index of the node's current iteration or branch. */
    static String indexProperty(NamedNode iterationNode) {
        if (iterationNode instanceof SplitDefinition) {
            return Exchange.SPLIT_INDEX;
        }
        return iterationNode instanceof LoopDefinition ? Exchange.LOOP_INDEX : Exchange.MULTICAST_INDEX;
    }

    /** Tokens of the split/loop/multicast nodes around {@code node} in its route, outermost first. */
    static List<String> tokensAround(NamedNode node) {
        List<String> tokens = new ArrayList<>();
        NamedNode child = node;
        for (NamedNode parent = node.getParent(); parent != null; child = parent, parent = parent.getParent()) {
            if (isIterationBody(parent, child)) {
                tokens.add(0, token(parent));
            }
        }
        return tokens;
    }

    /**
     * The node's route id, and the node's own id when the route's author gave one ({@code batch/items}), else its place
     * in the route ({@code batch@2.0}: output 0 of the route's output 2). Both stay the same while that route does,
     * whatever other routes the context has (Camel's generated node ids count nodes across all routes), so an inner
     * run started inside the node keeps its id when a run is resumed or recovered by a context with other routes.
     */
    static String token(NamedNode iterationNode) {
        String routeId = ProcessorDefinitionHelper.getRouteId(iterationNode);
        if (iterationNode instanceof OptionalIdentifiedDefinition<?> node && node.hasCustomIdAssigned()) {
            return routeId + "/" + node.getId();
        }
        StringBuilder place = new StringBuilder();
        NamedNode child = iterationNode;
        for (NamedNode parent = child.getParent(); parent != null; child = parent, parent = parent.getParent()) {
            int index = indexAmongOutputs(parent, child);
            if (index < 0) {
                return routeId + "/" + iterationNode.getId(); // not reached through outputs: Camel's id is all there is
            }
            place.insert(0, place.length() == 0 ? Integer.toString(index) : index + ".");
            if (parent instanceof RouteDefinition) {
                break;
            }
        }
        return routeId + "@" + place;
    }

    private static int indexAmongOutputs(NamedNode parent, NamedNode child) {
        if (parent instanceof ProcessorDefinition<?> processor) {
            List<ProcessorDefinition<?>> outputs = processor.getOutputs();
            for (int i = 0; i < outputs.size(); i++) {
                if (outputs.get(i) == child) {
                    return i;
                }
            }
        }
        return -1;
    }
}
