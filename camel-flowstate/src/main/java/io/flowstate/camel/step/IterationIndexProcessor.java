package io.flowstate.camel.step;

import io.flowstate.camel.execution.IterationPosition;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

/**
 * Notes, at the start of an iteration of a split or loop (or a multicast branch), its index in the exchange's
 * {@link IterationPosition}.
 */
final class IterationIndexProcessor extends DelegateAsyncProcessor {

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
        if (index != null) {
            IterationPosition.enter(exchange, token, index);
        }
        return processor.process(exchange, callback);
    }
}
