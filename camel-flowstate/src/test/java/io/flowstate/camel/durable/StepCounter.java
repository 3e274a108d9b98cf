package io.flowstate.camel.durable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registry bean {@code counter}: routes call {@code hit('stepName')} inside a step (Java {@code bean("counter",
 * "hit('x')")}, YAML {@code bean: {ref: counter, method: "hit('x')"}}, XML {@code <bean ref="counter"
 * method="hit('x')"/>}) so a test can prove a step body ran exactly once. Returns nothing: the body is left as it is.
 */
public class StepCounter {

    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    public void hit(String step) {
        hits.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet();
    }

    public int count(String step) {
        AtomicInteger n = hits.get(step);
        return n == null ? 0 : n.get();
    }
}
