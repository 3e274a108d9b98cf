package io.flowstate.camel.dsl;

import java.util.List;
import java.util.Map;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.state.MissingStateException;
import io.flowstate.camel.state.StateTypeException;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * Guards DSL parity: every flowstate operation, option, scope and header behaves the same whether the route is written
 * in Java, in a YAML file (camel-yaml-dsl) or in an XML file (camel-xml-io-dsl); each test runs the same scenario in
 * the three and expects the same values.
 */
class FlowStateDslParityTest extends CamelTestSupport {

    private static final String ROUTES = "flowstate-operations";

    private void load(Dsl dsl) throws Exception {
        dsl.load(context, ROUTES, new FlowStateJavaDslRoutes());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object body) {
        assertThat(body).isInstanceOf(Map.class);
        return (Map<String, Object>) body;
    }

    // ------------------------------------------------------------------ get

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void getOfAbsentKeyGivesDefaultValue(Dsl dsl) throws Exception {
        load(dsl);

        assertThat(template.requestBody("direct:getDefault", "input")).isEqualTo("none");
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void getRequiredOfAbsentKeyFailsTheCallerWithMissingStateException(Dsl dsl) throws Exception {
        load(dsl);

        assertThatThrownBy(() -> template.requestBody("direct:getRequired", "input"))
                .isInstanceOf(CamelExecutionException.class)
                .cause()
                .isInstanceOf(MissingStateException.class)
                .hasMessageContaining("'missing'")
                .hasMessageContaining("getRequired");
    }

    // ------------------------------------------------------------------ set

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void setStoresTheBodyAndLeavesTheBodyUnchanged(Dsl dsl) throws Exception {
        load(dsl);
        MockEndpoint afterSet = getMockEndpoint("mock:afterSet");
        afterSet.expectedBodiesReceived("hello");

        assertThat(template.requestBody("direct:setFromBody", "hello")).isEqualTo("hello");
        afterSet.assertIsSatisfied();
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void setTakesHeaderValueOverBodyAndRemovesTheHeader(Dsl dsl) throws Exception {
        load(dsl);
        MockEndpoint afterSet = getMockEndpoint("mock:afterHeaderSet");
        afterSet.expectedBodiesReceived("body");
        afterSet.expectedMessageCount(1);

        Object result = template.requestBodyAndHeader("direct:setFromHeader", "body", FlowStateConstants.VALUE,
                "from-header");

        assertThat(result).isEqualTo("from-header");
        afterSet.assertIsSatisfied();
        assertThat(afterSet.getReceivedExchanges().get(0).getMessage().getHeaders())
                .doesNotContainKey(FlowStateConstants.VALUE);
    }

    // ------------------------------------------------------------------ append, increment, delete

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void appendCreatesTheListAndSplitCopiesAppendToTheSameRun(Dsl dsl) throws Exception {
        load(dsl);

        Object items = template.requestBody("direct:append", List.of("a", "b", "c"));

        assertThat(items).isEqualTo(List.of("a", "b", "c"));
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void incrementAddsOneByDefaultAndTheByOptionOtherwiseAndReturnsTheNewValue(Dsl dsl) throws Exception {
        load(dsl);
        MockEndpoint afterIncrement = getMockEndpoint("mock:afterIncrement");
        afterIncrement.expectedBodiesReceived(1L);

        Object result = template.requestBody("direct:increment", "ignored");

        assertThat(result).isEqualTo(6L);
        afterIncrement.assertIsSatisfied();
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void incrementByADecimalAddsExactly(Dsl dsl) throws Exception {
        load(dsl);

        assertThat(template.requestBody("direct:incrementDecimal", "ignored")).isEqualTo(new java.math.BigDecimal("0.3"));
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void operationHeaderOverridesTheOperationOfTheUri(Dsl dsl) throws Exception {
        load(dsl);

        Object result = template.requestBodyAndHeader("direct:operationHeader", "ignored",
                FlowStateConstants.OPERATION, "increment");

        assertThat(result).isEqualTo(1L);
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void deleteRemovesTheKey(Dsl dsl) throws Exception {
        load(dsl);

        assertThat(template.requestBody("direct:delete", "temporary")).isEqualTo("gone");
    }

    // ------------------------------------------------------------------ getAll, clear

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void getAllGivesTheWholeStateAsAMap(Dsl dsl) throws Exception {
        load(dsl);

        Object all = template.requestBody("direct:getAll", "alice");

        assertThat(all).isInstanceOf(Map.class);
        assertThat(map(all)).containsExactly(entry("name", "alice"), entry("visits", 1L));
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void clearEmptiesTheState(Dsl dsl) throws Exception {
        load(dsl);

        Object all = template.requestBody("direct:clear", "alice");

        assertThat(all).isInstanceOf(Map.class);
        assertThat(map(all)).isEmpty();
    }

    // ------------------------------------------------------------------ start, typed state

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void startWithFlowIdNamesTheFlowAndSetsTheRunHeaders(Dsl dsl) throws Exception {
        load(dsl);

        Exchange reply = template.request("direct:startFlow", e -> e.getMessage().setBody("order-1"));

        assertThat(reply.getException()).isNull();
        assertThat(reply.getMessage().getHeader(FlowStateConstants.FLOW_ID)).isEqualTo("orders");
        String executionId = reply.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        assertThat(executionId).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        FlowExecution run = FlowExecution.find(reply).orElseThrow();
        assertThat(run.getExecutionId()).isEqualTo(executionId);
        assertThat(run.getFlowId()).isEqualTo("orders");
        assertThat(run.getRouteId()).isEqualTo("startFlow");
        assertThat(run.state().getAll()).containsExactly(entry("started", "order-1"));
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void startWithoutFlowIdUsesTheRouteId(Dsl dsl) throws Exception {
        load(dsl);

        Exchange first = template.request("direct:startDefault", e -> e.getMessage().setBody("x"));
        Exchange second = template.request("direct:startDefault", e -> e.getMessage().setBody("y"));

        assertThat(first.getMessage().getHeader(FlowStateConstants.FLOW_ID)).isEqualTo("startDefault");
        assertThat(first.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class)).isNotBlank()
                .isNotEqualTo(second.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class));
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void typedStateStartsWithTheClassDefaults(Dsl dsl) throws Exception {
        load(dsl);

        Exchange reply = template.request("direct:typed", e -> e.getMessage().setBody("x"));

        assertThat(reply.getException()).isNull();
        assertThat(map(reply.getMessage().getBody()))
                .containsOnly(entry("status", "NEW"), entry("attempts", 1));
        assertThat(FlowExecution.find(reply).orElseThrow().state().getState(OrderState.class))
                .isEqualTo(new OrderState("NEW", 1));
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void typedStateRejectsAnUnknownKey(Dsl dsl) throws Exception {
        load(dsl);

        assertThatThrownBy(() -> template.requestBody("direct:typedUnknownKey", "red"))
                .isInstanceOf(CamelExecutionException.class)
                .cause()
                .isInstanceOf(StateTypeException.class)
                .hasMessageContaining("'colour'")
                .hasMessageContaining(OrderState.class.getName());
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void typedStateRejectsAValueOfTheWrongType(Dsl dsl) throws Exception {
        load(dsl);

        assertThatThrownBy(() -> template.requestBody("direct:typedWrongType", "many"))
                .isInstanceOf(CamelExecutionException.class)
                .cause()
                .isInstanceOf(StateTypeException.class)
                .hasMessageContaining("'attempts'")
                .hasMessageContaining("of type int")
                .hasMessageContaining("\"many\"");
    }

    // ------------------------------------------------------------------ scopes

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void flowScopeIsSharedByRunsOfOneFlowAndNotWithOtherFlows(Dsl dsl) throws Exception {
        load(dsl);

        try (CapturedWarnings warnings = CapturedWarnings.of(FlowExecution.class)) {
            assertThat(template.requestBody("direct:flowScope", "run-1")).isEqualTo(1L);
            assertThat(template.requestBody("direct:flowScope", "run-2")).isEqualTo(2L);
            assertThat(template.requestBody("direct:flowScopeOther", "run-3")).isEqualTo(1L);

            assertThat(warnings.messages()).as("noWarning=true silences the flow scope WARN").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void flowScopeWithoutNoWarningLogsAWarnOnEveryUse(Dsl dsl) throws Exception {
        load(dsl);

        try (CapturedWarnings warnings = CapturedWarnings.of(FlowExecution.class)) {
            assertThat(template.requestBody("direct:flowScopeWarns", "run-1")).isEqualTo(1L);
            assertThat(template.requestBody("direct:flowScopeWarns", "run-2")).isEqualTo(2L);

            assertThat(warnings.messages()).hasSize(2)
                    .allSatisfy(m -> assertThat(m).contains("flowScopeWarns").contains("noWarning=true"));
        }
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void executionScopeBelongsToOneRun(Dsl dsl) throws Exception {
        load(dsl);

        assertThat(template.requestBody("direct:executionScope", "run-1")).isEqualTo(1L);
        assertThat(template.requestBody("direct:executionScope", "run-2")).isEqualTo(1L);
    }

    // ------------------------------------------------------------------ headers

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void keyHeaderOverridesTheKeyOfTheUri(Dsl dsl) throws Exception {
        load(dsl);

        Object all = template.requestBodyAndHeader("direct:keyHeader", "v", FlowStateConstants.KEY, "customer-42");

        assertThat(map(all)).containsExactly(entry("customer-42", "v"));
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void invalidKeyInHeaderFailsTheCaller(Dsl dsl) throws Exception {
        load(dsl);

        assertThatThrownBy(
                () -> template.requestBodyAndHeader("direct:keyHeader", "v", FlowStateConstants.KEY, "../etc/passwd"))
                .isInstanceOf(CamelExecutionException.class)
                .cause()
                .hasMessageContaining("state key")
                .hasMessageContaining("../etc/passwd");
    }

    // ------------------------------------------------------------------ bad input

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void incrementOfAStringFailsTheCaller(Dsl dsl) throws Exception {
        load(dsl);

        assertThatThrownBy(() -> template.requestBody("direct:incrementString", "alice"))
                .isInstanceOf(CamelExecutionException.class)
                .cause()
                .isInstanceOf(StateTypeException.class)
                .hasMessageContaining("'name'")
                .hasMessageContaining("not a number");
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void failedIncrementLeavesTheStateAsItWasAndCanBeCaughtInTheRoute(Dsl dsl) throws Exception {
        load(dsl);

        Exchange reply = template.request("direct:incrementStringCaught", e -> e.getMessage().setBody("alice"));

        assertThat(reply.getException()).isNull();
        assertThat(reply.getMessage().getBody()).isEqualTo("alice");
        assertThat(reply.getMessage().getHeader("error", String.class)).contains("'name'").contains("not a number");
    }
}
