package io.flowstate.benchmarks;

import java.util.function.BiConsumer;

import io.flowstate.camel.execution.FlowExecution;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/**
 * The flows the sizing benchmarks ({@link StorageFootprint}, {@link PoolSizes}) run, each starting with about 850 bytes
 * of JSON state ({@value #KEYS} keys of {@value #VALUE_CHARS}-character strings), as the W1 workload of the peer
 * comparison:
 * <ul>
 * <li>{@value #W1}: {@code flowstate:start}, then {@value #STEPS} {@code step}s, each changing one state value; with the
 * component's default {@code checkpoint=afterEachStep} that is ten step checkpoints and the completion, and the run
 * ends COMPLETED;</li>
 * <li>{@value #WAITING}: the W3 shape up to its approval: start, step {@code validate}, then
 * {@code flowstate:suspend:approval}: the run stays SUSPENDED;</li>
 * <li>{@value #LONG}: start, then a loop of header {@value #STEPS_HEADER} iterations of one {@code step} changing one
 * state value (each iteration is a step of its own: its result and completion are recorded); after each iteration
 * the {@code afterStep} callback gets the run's id and the steps done.</li>
 * </ul>
 */
final class SizingFlows extends RouteBuilder {

    static final String W1 = "direct:w1";
    static final String WAITING = "direct:waiting";
    static final String LONG = "direct:long";
    static final String STEPS_HEADER = "steps";
    static final int STEPS = 10;
    static final int KEYS = 10;
    static final int VALUE_CHARS = 76;
    private static final String PAD = "v".repeat(VALUE_CHARS);

    private final BiConsumer<String, Integer> afterStep;

    SizingFlows(BiConsumer<String, Integer> afterStep) {
        this.afterStep = afterStep;
    }

    @Override
    public void configure() {
        RouteDefinition w1 = from(W1).routeId("w1").to("flowstate:start").process(SizingFlows::initialState);
        for (int i = 1; i <= STEPS; i++) {
            int step = i;
            w1.step("s" + i).process(e -> change(e, step)).end();
        }
        from(WAITING).routeId("waiting")
                .to("flowstate:start").process(SizingFlows::initialState)
                .step("validate").process(e -> change(e, 0)).end()
                .to("flowstate:suspend:approval")
                .step("ship").process(e -> change(e, 1)).end();
        from(LONG).routeId("long")
                .to("flowstate:start").process(SizingFlows::initialState)
                .loop(header(STEPS_HEADER))
                    .step("s").process(e -> change(e, e.getProperty(Exchange.LOOP_INDEX, Integer.class))).end()
                    .process(e -> afterStep.accept(FlowExecution.of(e).getExecutionId(),
                            e.getProperty(Exchange.LOOP_INDEX, Integer.class) + 1))
                .end();
    }

    private static void initialState(Exchange exchange) {
        FlowExecution run = FlowExecution.of(exchange);
        for (int k = 0; k < KEYS; k++) {
            run.state().set("k" + k, value("initial-" + k));
        }
    }

    /** Step {@code n} changes one state value (key {@code n mod KEYS}). */
    private static void change(Exchange exchange, int n) {
        FlowExecution.of(exchange).state().set("k" + n % KEYS, value("step-" + n));
    }

    /** A value of {@value #VALUE_CHARS} characters starting with {@code prefix}. */
    private static String value(String prefix) {
        return prefix + PAD.substring(prefix.length());
    }
}
