package io.flowstate.examples.basics;

import io.flowstate.camel.execution.FlowExecution;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Prices the order in one atomic read-modify-write of the typed state: 12.5 a line, 10% off from three lines.
 */
public class PriceOrder implements Processor {

    @Override
    public void process(Exchange exchange) {
        FlowExecution.of(exchange).state().edit(OrderState.class, order -> {
            double total = order.lines().size() * 12.5;
            if (order.lines().size() >= 3) {
                total = total * 0.9;
            }
            return new OrderState(order.customer(), order.lines(), order.attempts(), total);
        });
    }
}
