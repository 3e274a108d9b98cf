package io.flowstate.camel.seed;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Counts how often a step's body ran, whatever CamelContext it ran in: a skipped step must not run again. */
public final class StepCounter implements Processor {

    private final AtomicInteger count = new AtomicInteger();

    @Override
    public void process(Exchange exchange) {
        count.incrementAndGet();
    }

    public int count() {
        return count.get();
    }
}
