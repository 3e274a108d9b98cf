package io.flowstate.camel.language;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.ExpressionIllegalSyntaxException;
import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Language;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static io.flowstate.camel.language.FlowStateLanguage.flowstate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guards the rules of the flowstate language: what a predicate counts as true, how jq outputs become Java values, what
 * an expression sees when the exchange carries no run, and that bad expressions fail at route start and jq errors name
 * the expression and the run.
 */
class FlowStateLanguageTest extends CamelTestSupport {

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("repository", new MemoryFlowSnapshotRepository());
    }

    private Language language() {
        return context.resolveLanguage("flowstate");
    }

    private Exchange exchange(Object body) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(body);
        return exchange;
    }

    @Test
    void theLanguageIsFoundByItsName() {
        assertThat(language()).isInstanceOf(FlowStateLanguage.class);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "false | false", "null | false", "empty | false", "(null, false) | false", ".missing | false",
            "true | true", "0 | true", "\"\" | true", "[] | true", "{} | true", "(false, 1) | true" })
    void aPredicateIsTrueUnlessItYieldsOnlyFalseOrNull(String expression, boolean expected) {
        Predicate predicate = language().createPredicate(expression);

        assertThat(predicate.matches(exchange(null))).isEqualTo(expected);
    }

    @Test
    void anExpressionGivesPlainJavaValues() {
        Exchange exchange = exchange(null);

        assertThat(language().createExpression("{a: 1, b: [true, \"x\", null]}").evaluate(exchange, Object.class))
                .isEqualTo(Map.of("a", 1, "b", java.util.Arrays.asList(true, "x", null)));
        assertThat(language().createExpression("1, 2, 3").evaluate(exchange, Object.class))
                .as("several outputs").isEqualTo(List.of(1, 2, 3));
        assertThat(language().createExpression("empty").evaluate(exchange, Object.class))
                .as("no output").isNull();
        assertThat(language().createExpression("1.5").evaluate(exchange, Object.class)).isEqualTo(1.5);
    }

    @Test
    void anExpressionConvertsToTheTypeAskedFor() {
        Exchange exchange = exchange(null);

        assertThat(language().createExpression("\"42\"").evaluate(exchange, Integer.class)).isEqualTo(42);
        assertThat(language().createExpression("42").evaluate(exchange, String.class)).isEqualTo("42");
        assertThat(language().createExpression("42").evaluate(exchange, JsonNode.class)).isEqualTo(IntNode.valueOf(42));
        assertThat(language().createExpression("1, 2").evaluate(exchange, JsonNode.class))
                .isEqualTo(JsonNodeFactory.instance.arrayNode().add(1).add(2));
    }

    @Test
    void withoutARunTheDocumentHasEmptyStateAndTheCurrentMessageAsInput() throws Exception {
        Exchange exchange = exchange(Map.of("x", 1));
        exchange.getMessage().setHeader("h", "v");
        exchange.getMessage().setHeader("live", new Object() {
        });

        JsonNode document = language().createExpression(".").evaluate(exchange, JsonNode.class);

        assertThat(document).isEqualTo(json("""
                {"state": {}, "results": {}, "input": {"body": {"x": 1}, "headers": {"h": "v"}},
                 "executionId": null, "flowId": null, "approvals": {}}"""));
        assertThat(FlowExecution.find(exchange)).as("an expression never starts a run").isEmpty();
        assertThat(context.hasComponent("flowstate")).as("nor creates the component").isNull();
    }

    @Test
    void aStreamBodyIsNotReadAndIsNullInTheDocument() throws Exception {
        InputStream stream = new ByteArrayInputStream("payload".getBytes(StandardCharsets.UTF_8));

        JsonNode input = language().createExpression(".input").evaluate(exchange(stream), JsonNode.class);

        assertThat(input).isEqualTo(json("""
                {"body": null, "bodyType": "java.io.ByteArrayInputStream", "headers": {}}"""));
        assertThat(stream.available()).as("the stream was not consumed").isEqualTo(7);
    }

    @Test
    void withARunInputIsWhatTheRunStartedWithAndBodyIsTheCurrentMessage() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:run").routeId("run")
                        .to("flowstate:start")
                        .setBody(constant("changed"))
                        .setHeader("step", constant(2))
                        .setBody(flowstate("{input: .input.body, body: $body, step: $headers.step, flow: .flowId}"));
            }
        });

        Object reply = template.requestBodyAndHeader("direct:run", "original", "step", 1);

        assertThat(reply).isEqualTo(Map.of("input", "original", "body", "changed", "step", 2, "flow", "run"));
    }

    @Test
    void aStepInsideASplitIsReadByItsIterationKey() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:iterations").routeId("iterations")
                        .to("flowstate:start")
                        .split(body())
                            .step("price")
                                .setBody(flowstate("$body * 10"))
                            .end()
                        .end()
                        .setBody(flowstate("[.results[\"price[0]\"], .results[\"price[2]\"]]"));
            }
        });

        assertThat(template.requestBody("direct:iterations", List.of(1, 2, 3))).isEqualTo(List.of(10, 30));
    }

    @Test
    void anExpressionCanBeReadFromAResource() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:resource").routeId("resource")
                        .to("flowstate:set:approved")
                        .process(e -> FlowExecution.of(e).results().complete("check",
                                JsonNodeFactory.instance.objectNode().put("amount", 500)))
                        .setBody().language("flowstate", "resource:classpath:language/big-approved-order.jq");
            }
        });

        assertThat(template.requestBody("direct:resource", true)).isEqualTo(true);
        assertThat(template.requestBody("direct:resource", false)).isEqualTo(false);
    }

    @Test
    void aJqErrorNamesTheExpressionAndTheRun() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:typeError").routeId("typeError")
                        .to("flowstate:set:name")
                        .setBody(flowstate(".state.name + 1"));
            }
        });

        Exchange reply = template.request("direct:typeError", e -> e.getMessage().setBody("ACME"));

        assertThat(reply.getException())
                .isInstanceOf(FlowStateExpressionException.class)
                .hasMessageContaining("'.state.name + 1'")
                .hasMessageContaining("run " + FlowExecution.find(reply).orElseThrow().getExecutionId())
                .hasMessageContaining("of flow typeError");
    }

    @Test
    void aJqErrorWithoutARunSaysSo() {
        Expression expression = language().createExpression(".input.body + 1");

        assertThatThrownBy(() -> expression.evaluate(exchange("text"), Object.class))
                .isInstanceOf(FlowStateExpressionException.class)
                .hasMessageContaining("'.input.body + 1'")
                .hasMessageContaining("an exchange without a run");
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aBadExpressionStopsTheRouteFromStartingAndIsNamed(RouteDsl dsl) throws Exception {
        try (CamelContext fresh = new DefaultCamelContext()) {
            dsl.load(fresh, "language", "flowstate-language-bad", new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:bad").routeId("langBad")
                            .choice()
                                .when().language("flowstate", ".state.count >=")
                                    .setBody(constant("never"))
                            .end();
                }
            });

            assertThatThrownBy(fresh::start)
                    .hasMessageContaining("langBad")
                    .hasMessageContaining("Illegal flowstate expression '.state.count >='")
                    .hasMessageContaining("at line 1, column 15");
            assertThat(fresh.isStarted()).isFalse();
        }
    }

    @Test
    void theJavaHelperFailsAtOnceOnABadExpression() {
        assertThatThrownBy(() -> flowstate(".results.check.amount >"))
                .isInstanceOf(ExpressionIllegalSyntaxException.class)
                .hasMessageStartingWith("Illegal flowstate expression '.results.check.amount >': ");
        assertThatThrownBy(() -> flowstate(" "))
                .isInstanceOf(ExpressionIllegalSyntaxException.class);
    }

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }
}
