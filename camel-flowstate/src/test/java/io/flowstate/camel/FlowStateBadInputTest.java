package io.flowstate.camel;

import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.state.MissingStateException;
import io.flowstate.camel.state.StateTypeException;
import io.flowstate.camel.state.UnsupportedValueException;
import io.flowstate.camel.support.InvalidIdentifierException;
import org.apache.camel.Exchange;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every bad input gives an exception whose message says what was wrong and what to do, and leaves the run's state
 * exactly as it was before the call.
 */
class FlowStateBadInputTest extends CamelTestSupport {

    private static final Map<String, Object> BEFORE = new LinkedHashMap<>();

    static {
        BEFORE.put("text", "abc");
        BEFORE.put("number", 5);
        BEFORE.put("list", List.of(1));
    }

    @Test
    void unknownOperationInTheUriFailsWhenTheEndpointIsCreated() {
        assertThatThrownBy(() -> context.getEndpoint("flowstate:frobnicate:x"))
                .isInstanceOf(ResolveEndpointFailedException.class)
                .hasMessageContaining("Unknown flowstate operation 'frobnicate'")
                .hasMessageContaining("increment");
    }

    @Test
    void unknownOperationInTheHeaderFailsAndChangesNothing() {
        Exchange out = callWithState("flowstate:set:text", Map.of(FlowStateConstants.OPERATION, "purge"));
        assertFailed(out, FlowStateException.class, "Unknown flowstate operation 'purge'", "CamelFlowStateOperation");
    }

    @Test
    void missingKeyFailsNamingBothWaysToGiveIt() {
        Exchange out = callWithState("flowstate:set", Map.of());
        assertFailed(out, FlowStateException.class, "flowstate:set needs a state key", "CamelFlowStateKey");
    }

    @Test
    void keyOnAnOperationWithoutKeyIsRejected() {
        assertThatThrownBy(() -> context.getEndpoint("flowstate:getAll:x"))
                .hasMessageContaining("flowstate:getAll takes no key");
    }

    @Test
    void invalidKeyInTheUriIsRejectedWhenTheEndpointIsCreated() {
        assertThatThrownBy(() -> context.getEndpoint("flowstate:set:..%2Fetc"))
                .hasRootCauseInstanceOf(InvalidIdentifierException.class);
        assertThatThrownBy(() -> context.getEndpoint("flowstate:set:a b"))
                .hasMessageContaining("is not valid");
    }

    @Test
    void invalidKeysInTheHeaderAreRejectedAndChangeNothing() {
        for (String key : List.of("../etc/passwd", "a/b", "nul\u0000key", "x'; DROP TABLE t; --", "a..b", "",
                "k".repeat(201))) {
            Exchange out = callWithState("flowstate:set:text", Map.of(FlowStateConstants.KEY, key));
            assertFailed(out, InvalidIdentifierException.class, "state key");
        }
        Exchange out = callWithState("flowstate:set:text", Map.of(FlowStateConstants.KEY, "nul\u0000key"));
        assertThat(out.getException().getMessage()).contains("\\u0000").doesNotContain("\u0000");
    }

    @Test
    void incrementOfANonNumberFailsAndChangesNothing() {
        Exchange out = callWithState("flowstate:increment:text", Map.of());
        assertFailed(out, StateTypeException.class, "Cannot increment state key 'text'", "\"abc\"", "not a number");
    }

    @Test
    void appendToANonListFailsAndChangesNothing() {
        Exchange out = callWithState("flowstate:append:number", Map.of());
        assertFailed(out, StateTypeException.class, "Cannot append to state key 'number'", "not a list");
    }

    @Test
    void requiredGetOfAnAbsentKeyFails() {
        Exchange out = callWithState("flowstate:get:nothing?required=true", Map.of());
        assertFailed(out, MissingStateException.class, "No value under state key 'nothing'", "defaultValue=");
    }

    @Test
    void liveObjectsAreRejectedAtSetTimeNamingTheKeyAndTheField() {
        Map<String, Object> cyclic = new HashMap<>();
        cyclic.put("self", cyclic);
        Map<String, Supplier<Object>> bodies = new LinkedHashMap<>();
        bodies.put("The value for state key 'text' cannot be stored as JSON: it holds a live object of type "
                   + TestDataSource.class.getName(), TestDataSource::new);
        bodies.put("lambda", () -> (Runnable) () -> {
        });
        bodies.put("it is a stream", () -> new ByteArrayInputStream(new byte[1]));
        bodies.put("The field 'self' of the value", () -> cyclic);
        bodies.put("The field 'order.worker' of the value", () -> Map.of("order", new Holder(Thread.currentThread())));
        bodies.put("The field 'left.right' of the value", () -> new Node());
        bodies.put("not a JSON number", () -> Double.NaN);
        for (Map.Entry<String, Supplier<Object>> body : bodies.entrySet()) {
            Exchange out = callWithState("flowstate:set:text", Map.of("body", body.getValue().get()));
            assertFailed(out, UnsupportedValueException.class, body.getKey(), "resources");
        }
    }

    @Test
    void splitCopyCannotStartARunOfItsOwnByAccident() {
        Exchange out = template.request("direct:splitWithoutStart", e -> e.getMessage().setBody(List.of(1, 2)));
        assertThat(out.getException()).isInstanceOf(FlowStateException.class)
                .hasMessageContaining("Start the run before the split (flowstate:start)");
    }

    @Test
    void typedStateRejectsUnknownKeysAndWrongTypesAndKeepsTheState() {
        Exchange out = template.request("direct:typed", e -> {
            e.getMessage().setHeader("op", "flowstate:set:colour");
            e.getMessage().setBody("red");
        });
        assertThat(out.getException()).isInstanceOf(StateTypeException.class)
                .hasMessageContaining("'colour' is not a property of the state class " + OrderState.class.getName())
                .hasMessageContaining("[customer, attempts, total, lines]");
        assertThat(typedState(out)).isEqualTo(new OrderState("acme", 1, 0, List.of()));

        out = template.request("direct:typed", e -> {
            e.getMessage().setHeader("op", "flowstate:set:attempts");
            e.getMessage().setBody("many");
        });
        assertThat(out.getException()).isInstanceOf(StateTypeException.class)
                .hasMessageContaining("state key 'attempts'").hasMessageContaining("must be of type int")
                .hasMessageContaining("\"many\"");
        assertThat(typedState(out)).isEqualTo(new OrderState("acme", 1, 0, List.of()));

        out = template.request("direct:typed", e -> {
            e.getMessage().setHeader("op", "flowstate:set:total");
            e.getMessage().setBody(-5);
        });
        assertThat(out.getException()).isInstanceOf(StateTypeException.class)
                .hasMessageContaining("rejected the value of 'total'")
                .hasMessageContaining("total must not be negative");
        assertThat(typedState(out)).isEqualTo(new OrderState("acme", 1, 0, List.of()));
    }

    private static OrderState typedState(Exchange out) {
        return FlowExecution.find(out).orElseThrow().state().getState(OrderState.class);
    }

    /** Runs {@code uri} on a run whose state is {@link #BEFORE}; headers, and the body under "body". */
    private Exchange callWithState(String uri, Map<String, Object> headers) {
        return template.request("direct:withState", e -> {
            e.getMessage().setHeader("op", uri);
            headers.forEach((k, v) -> {
                if ("body".equals(k)) {
                    e.getMessage().setBody(v);
                } else {
                    e.getMessage().setHeader(k, v);
                }
            });
        });
    }

    private static void assertFailed(Exchange out, Class<? extends Exception> type, String... messageParts) {
        assertThat(out.getException()).isInstanceOf(type);
        for (String part : messageParts) {
            assertThat(out.getException().getMessage()).contains(part);
        }
        assertThat(FlowExecution.find(out).orElseThrow().state().getAll()).isEqualTo(BEFORE);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:withState")
                        .process(e -> BEFORE.forEach(FlowExecution.of(e).state()::set))
                        .toD("${header.op}");
                from("direct:splitWithoutStart")
                        .split(body()).to("flowstate:increment:n");
                from("direct:typed")
                        .to("flowstate:start?stateClass=" + OrderState.class.getName())
                        .process(e -> FlowExecution.of(e).state().set("customer", "acme"))
                        .process(e -> FlowExecution.of(e).state().increment("attempts", 1))
                        .toD("${header.op}");
            }
        };
    }

    static final class Holder {
        public final Thread worker;

        Holder(Thread worker) {
            this.worker = worker;
        }
    }

    static final class Node {
        public Node left;
        public Node right;

        Node() {
            this.left = new Node(this);
        }

        Node(Node back) {
            this.right = back;
        }
    }
}
