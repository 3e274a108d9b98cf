package io.flowstate.camel.durable;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Registry bean {@code probe}. {@code hit('step', ${header.CamelFlowStateAttempt})} inside a step records that its
 * body ran and the attempt it saw; {@code failIfBroken('step')} throws while the test has broken that step (the cause a
 * restart follows once it is fixed).
 */
public class RestartProbe {

    private final Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
    private final Set<String> broken = ConcurrentHashMap.newKeySet();

    public void hit(String step, Integer attempt) {
        attempts.computeIfAbsent(step, s -> new CopyOnWriteArrayList<>()).add(attempt);
    }

    public void failIfBroken(String step) {
        if (broken.contains(step)) {
            throw new IllegalStateException("step " + step + " is broken");
        }
    }

    public void breakStep(String step) {
        broken.add(step);
    }

    public void fix(String step) {
        broken.remove(step);
    }

    /** How often the step's body ran. */
    public int count(String step) {
        return attempts(step).size();
    }

    /** The attempt each run of the step's body saw (header CamelFlowStateAttempt), in order. */
    public List<Integer> attempts(String step) {
        return attempts.getOrDefault(step, List.of());
    }
}
