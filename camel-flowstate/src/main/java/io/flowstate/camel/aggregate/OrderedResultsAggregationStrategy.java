package io.flowstate.camel.aggregate;

import java.util.ArrayList;

import io.flowstate.camel.FlowStateException;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Metadata;

/**
 * Collects the results of branch-all ({@code multicast}, {@code recipientList}) and for-loop ({@code split}) into one
 * {@code List} body, in branch or item order — not in the order they finish — also with {@code parallelProcessing} and
 * {@code streaming}. Each branch or item gives its message body; the EIP ends with the list as its body and the
 * headers it started with.
 * <ul>
 * <li>A branch or item that fails (an exception its error handler did not handle) fails the EIP with that exception
 * (the one of the lowest index when several fail): never a partial list. With {@code stopOnException} Camel stops at
 * the first failure itself.</li>
 * <li>An empty split gives an empty list.</li>
 * <li>With a {@code timeout}, the branches that did not finish in time have null in their place.</li>
 * <li>Camel must call the strategy one result at a time (its default): with {@code parallelAggregate=true} Camel can
 * lose results before they reach any strategy; when that happens this one fails the EIP saying so, never a shorter
 * list.</li>
 * </ul>
 * It keeps nothing itself (what it collects travels in the exchange being aggregated), so one instance may serve any
 * number of routes and concurrent exchanges. Name it from YAML or XML with
 * {@code aggregationStrategy="#class:io.flowstate.camel.aggregate.OrderedResultsAggregationStrategy"}, or bind it
 * once as a bean and use {@code #bean:name} (or the bean's name).
 */
@Metadata(label = "bean",
          description = "Collects the bodies of multicast branches or split items into a list, in branch or item order,"
                        + " also with parallel processing; a failed branch or item fails the whole.",
          annotations = { "interfaceName=org.apache.camel.AggregationStrategy" })
public class OrderedResultsAggregationStrategy implements AggregationStrategy {

    /** The exchange property holding what is collected so far, on the exchange being aggregated; removed at the end. */
    public static final String COLLECTED = "CamelFlowStateCollectedResults";

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        return aggregate(oldExchange, newExchange, null);
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange, Exchange inputExchange) {
        Exchange carrier = oldExchange;
        CollectedResults collected = carrier != null ? carrier.getProperty(COLLECTED, CollectedResults.class) : null;
        if (collected == null) {
            // the first result: the list travels in a copy of the EIP's input, so the EIP ends with the headers
            // it started with (not those of whichever branch finished first)
            carrier = (inputExchange != null ? inputExchange : newExchange).copy();
            collected = new CollectedResults();
            carrier.setProperty(COLLECTED, collected);
        }
        collected.add(newExchange);
        return carrier;
    }

    @Override
    public void timeout(Exchange exchange, int index, int total, long timeout) {
        CollectedResults collected = exchange.getProperty(COLLECTED, CollectedResults.class);
        if (collected == null) {
            collected = new CollectedResults();
            exchange.setProperty(COLLECTED, collected);
        }
        collected.timedOut(index, total);
    }

    @Override
    public void onCompletion(Exchange exchange) {
        onCompletion(exchange, null);
    }

    @Override
    public void onCompletion(Exchange exchange, Exchange inputExchange) {
        Exchange carrier = exchange != null ? exchange : inputExchange;
        if (carrier == null) {
            return;
        }
        CollectedResults collected = carrier.removeProperty(COLLECTED) instanceof CollectedResults c ? c : null;
        if (collected == null) {
            if (exchange == null && carrier.getException() == null) {
                carrier.getMessage().setBody(new ArrayList<>()); // nothing to aggregate: an empty split
            }
            return;
        }
        Exception failure = collected.firstFailure();
        if (failure != null) {
            carrier.setException(failure);
            return;
        }
        try {
            carrier.getMessage().setBody(collected.inOrder());
        } catch (FlowStateException e) {
            carrier.setException(e);
        }
    }

    @Override
    public String toString() {
        return "OrderedResultsAggregationStrategy";
    }
}
