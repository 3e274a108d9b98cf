package io.flowstate.camel.step;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.execution.IterationPosition;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

/**
 * Notes, at the start of an iteration of a split or loop (or a multicast branch), its index in the exchange's
 * {@link IterationPosition}. Only on an exchange that carries a run: only a run's steps, change records and inner runs
 * read the position, and every context on camel-flowstate's classpath gets this processor around its iterations,
 * including those that never use flowstate (they pay one property lookup per iteration).
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
        if (exchange.getProperty(FlowStateConstants.EXECUTION) != null) {
            Integer index = exchange.getProperty(indexProperty, Integer.class);
            if (index != null) {
                IterationPosition.enter(exchange, token, index);
            }
        }
        return processor.process(exchange, callback);
    }
}
