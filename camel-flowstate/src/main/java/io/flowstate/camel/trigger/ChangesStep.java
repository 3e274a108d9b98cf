package io.flowstate.camel.trigger;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.execution.CheckpointPolicy;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.execution.FlowExecutions;
import org.apache.camel.Exchange;

/**
 * flowstate:changes:KEY inside a run: the items a poll gives are recorded in the run, so that a continued run (resumed,
 * woken up, timed out or recovered), which re-enters its route with its original input, gets the same items again
 * instead of diffing that input against the watermark its first pass already moved.
 */
public final class ChangesStep {

    /**
     * What the step gives.
     *
     * @param stop whether the exchange ends here (nothing new and stopWhenEmpty; the run was forgotten if never saved)
     */
    public record Taken(List<?> items, boolean stop) {
    }

    private final FlowExecutions executions;
    private final ChangeWatch watch;

    public ChangesStep(FlowExecutions executions, ChangeWatch watch) {
        this.executions = executions;
        this.watch = watch;
    }

    public Taken take(Exchange exchange, FlowExecution run, String key, ChangeWatch.Options options) {
        String recordKey = recordKey(exchange, key);
        JsonNode recorded = run.isReentered() ? run.results().result(recordKey) : null;
        // on re-entry, what the first pass gave (its watermark holds those items already: a new diff would lose them)
        List<?> items = recorded != null
                ? (List<?>) executions.json().toJava(recorded) : poll(exchange, run, key, options, recordKey);
        boolean stop = items.isEmpty() && options.stopWhenEmpty();
        if (stop) {
            executions.forget(exchange, run);
        }
        return new Taken(items, stop);
    }

    private List<?> poll(Exchange exchange, FlowExecution run, String key, ChangeWatch.Options options, String recordKey) {
        ChangeWatch.Result result = watch.poll(exchange, run.getFlowId(), key, options);
        run.results().record(recordKey, JsonNodeFactory.instance.arrayNode().addAll(result.json()));
        if (run.getVersion() > 0 && run.getCheckpointPolicy() == CheckpointPolicy.AFTER_EACH_STEP) {
            // a saved run can be recovered from its last save: make it hold what this poll gave out
            executions.snapshot(run);
        }
        return result.items();
    }

    /**
     * Where a run records what flowstate:changes:KEY gave: {@code changes:KEY}, with the index of every split, loop or
     * multicast iteration the exchange is in ({@code changes:KEY[2]}), like a step's key. Not a completed step.
     */
    static String recordKey(Exchange exchange, String key) {
        @SuppressWarnings("unchecked")
        Map<String, Integer> iterations = exchange.getProperty(FlowStateConstants.ITERATIONS, Map.class);
        if (iterations == null || iterations.isEmpty()) {
            return "changes:" + key;
        }
        StringBuilder recordKey = new StringBuilder("changes:").append(key);
        iterations.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Integer> e) -> e.getKey().length())
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> recordKey.append('[').append(e.getValue()).append(']'));
        return recordKey.toString();
    }
}
