package io.flowstate.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateConstants;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/**
 * The peer workload W1: {@code flowstate:start} and ten {@code step}s, each setting one of {@value #KEYS} state values
 * ({@code f0}..{@code f3}, strings sized so that the whole state is about {@code stateBytes} of JSON once each was
 * set), so with {@code checkpoint=afterEachStep} every step is one checkpoint of a one-value change (plus the step's
 * small result, the body {@code order-42}).
 */
final class TenStepRoutes extends RouteBuilder {

    static final String FLOW = "direct:tenSteps";
    static final int STEPS = 10;
    static final int KEYS = 4;

    private final int valueChars;

    TenStepRoutes(int stateBytes) {
        // a key's JSON: "f0":"..." and a comma
        this.valueChars = Math.max(12, stateBytes / KEYS - 8);
    }

    @Override
    public void configure() {
        RouteDefinition route = from(FLOW).routeId("ten-steps").to("flowstate:start");
        for (int i = 1; i <= STEPS; i++) {
            route.step("w1-step" + i)
                    .setHeader(FlowStateConstants.VALUE, constant(value(i)))
                    .to("flowstate:set:" + key(i))
                    .end();
        }
    }

    static String key(long step) {
        return "f" + step % KEYS;
    }

    /** The value step {@code n} sets: the step number padded to the value size. */
    String value(long n) {
        String s = String.format("%012d", n);
        return s + "v".repeat(valueChars - s.length());
    }

    /** The state a run holds after its steps up to {@code n}, as JSON: the raw UPDATE's document. */
    String document(long n) {
        ObjectNode state = CheckpointRuns.JSON.objectNode();
        for (long step = n - KEYS + 1; step <= n; step++) {
            state.put(key(step), value(step));
        }
        return state.toString();
    }

    /** Documents of the same size, each differing from the one before in one value, as the run's steps do. */
    String[] documents(int count) {
        String[] documents = new String[count];
        for (int i = 0; i < count; i++) {
            documents[i] = document(KEYS + i);
        }
        return documents;
    }
}
