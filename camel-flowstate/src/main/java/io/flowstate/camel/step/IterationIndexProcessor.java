package io.flowstate.camel.step;

import java.util.HashMap;
import java.util.Map;

import io.flowstate.camel.FlowStateConstants;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

/**
 * Notes, at the start of an iteration of a split or loop (or a multicast branch), its index in the exchange's
 * iteration map. The map is replaced, never changed, because the copies a split makes share their parent's.
 */
final class IterationIndexProcessor extends DelegateAsyncProcessor {

    static final String ITERATIONS = FlowStateConstants.ITERATIONS;

    private final String token;
    private final String indexProperty;

    IterationIndexProcessor(String token, String indexProperty, Processor processor) {
        super(processor);
        this.token = token;
        this.indexProperty = indexProperty;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Integer index = exchange.getProperty(indexProperty, Integer.class);
        @SuppressWarnings("unchecked")
        Map<String, Integer> current = index == null ? null : exchange.getProperty(ITERATIONS, Map.class);
        // every output of the iteration notes the index; the first one of an iteration changes the map
        if (index != null && (current == null || !index.equals(current.get(token)))) {
            Map<String, Integer> next = current == null ? new HashMap<>(4) : new HashMap<>(current);
            next.put(token, index);
            exchange.setProperty(ITERATIONS, Map.copyOf(next));
        }
        return processor.process(exchange, callback);
    }
}
