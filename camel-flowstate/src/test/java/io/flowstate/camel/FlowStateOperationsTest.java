package io.flowstate.camel;

import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation of the execution scope, as a Java DSL route uses it: one run per exchange, values visible to the
 * later steps of the same run only.
 */
class FlowStateOperationsTest extends CamelTestSupport {

    @Test
    void setThenGetGivesTheValueBackAndLeavesTheBodyOfSetUnchanged() {
        Exchange out = template.request("direct:setGet", e -> e.getMessage().setBody("hello"));
        assertThat(out.getMessage().getHeader("afterSet")).isEqualTo("hello");
        assertThat(out.getMessage().getBody()).isEqualTo("hello");
    }

    @Test
    void valueHeaderWinsOverTheBodyAndIsRemovedOnceStored() {
        Exchange out = template.request("direct:setFromHeader", e -> {
            e.getMessage().setBody("body");
            e.getMessage().setHeader(FlowStateConstants.VALUE, 42);
        });
        assertThat(out.getMessage().getBody()).isEqualTo(42);
        assertThat(out.getMessage().getHeader(FlowStateConstants.VALUE)).isNull();
    }

    @Test
    void getOfAnAbsentKeyGivesNullOrTheDefaultValue() {
        assertThat(template.requestBody("direct:getAbsent", "x")).isNull();
        assertThat(template.requestBody("direct:getDefault", "x")).isEqualTo("none");
    }

    @Test
    void appendBuildsAListInOrder() {
        Object body = template.requestBody("direct:append", List.of("a", "b", "c"));
        assertThat(body).isEqualTo(List.of("a", "b", "c"));
    }

    @Test
    void incrementStartsFromZeroAndAddsBy() {
        assertThat(template.requestBody("direct:increment", "x")).isEqualTo(List.of(1L, 11L, new java.math.BigDecimal("13.5")));
    }

    @Test
    void deleteRemovesTheKey() {
        assertThat(template.requestBody("direct:delete", "v")).isEqualTo(Map.of("kept", "v"));
    }

    @Test
    void getAllGivesTheWholeStateAndClearEmptiesIt() {
        Exchange out = template.request("direct:getAllClear", e -> e.getMessage().setBody("v"));
        assertThat(out.getMessage().getHeader("all")).isEqualTo(Map.of("a", "v", "b", 1L));
        assertThat(out.getMessage().getBody()).isEqualTo(Map.of());
    }

    @Test
    void eachExchangeIsItsOwnRun() {
        Exchange first = template.request("direct:increment", e -> e.getMessage().setBody("x"));
        Exchange second = template.request("direct:increment", e -> e.getMessage().setBody("x"));
        assertThat(second.getMessage().getBody()).isEqualTo(List.of(1L, 11L, new java.math.BigDecimal("13.5")));
        assertThat(first.getMessage().getHeader(FlowStateConstants.EXECUTION_ID))
                .isNotNull()
                .isNotEqualTo(second.getMessage().getHeader(FlowStateConstants.EXECUTION_ID));
    }

    @Test
    void startNamesTheFlowAndSetsTheRunHeaders() {
        Exchange out = template.request("direct:start", e -> e.getMessage().setBody("x"));
        assertThat(out.getMessage().getHeader(FlowStateConstants.FLOW_ID)).isEqualTo("orders");
        assertThat(out.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class))
                .matches("[0-9a-f-]{36}");
        // a second start in the same run changes nothing
        assertThat(out.getMessage().getHeader("sameRun")).isEqualTo(true);
    }

    @Test
    void lazyRunIsNamedAfterTheRoute() {
        Exchange out = template.request("direct:increment", e -> e.getMessage().setBody("x"));
        assertThat(out.getMessage().getHeader(FlowStateConstants.FLOW_ID)).isEqualTo("incrementRoute");
    }

    @Test
    void keyHeaderOverridesTheUriKey() {
        Exchange out = template.request("direct:keyHeader", e -> {
            e.getMessage().setBody("v");
            e.getMessage().setHeader(FlowStateConstants.KEY, "customer-42");
        });
        assertThat(out.getMessage().getBody()).isEqualTo(Map.of("customer-42", "v"));
    }

    @Test
    void operationHeaderOverridesTheUriOperation() {
        Exchange out = template.request("direct:operationHeader", e -> e.getMessage().setBody("v"));
        assertThat(out.getMessage().getBody()).isEqualTo(Map.of("a", "v"));
    }

    @Test
    void valuesAreCopiedOnSetAndOnGet() {
        Exchange out = template.request("direct:copies", e -> e.getMessage().setBody(new java.util.ArrayList<>(List.of("a"))));
        assertThat(out.getMessage().getBody()).isEqualTo(List.of("a"));
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:setGet")
                        .to("flowstate:set:greeting")
                        .setHeader("afterSet", body())
                        .setBody(constant("other"))
                        .to("flowstate:get:greeting");
                from("direct:setFromHeader")
                        .to("flowstate:set:answer")
                        .to("flowstate:get:answer");
                from("direct:getAbsent").to("flowstate:get:missing");
                from("direct:getDefault").to("flowstate:get:missing?defaultValue=none");
                from("direct:append")
                        .to("flowstate:start")
                        .split(body()).to("flowstate:append:items").end()
                        .to("flowstate:get:items");
                from("direct:increment").routeId("incrementRoute")
                        .to("flowstate:increment:n")
                        .setHeader("first", body())
                        .to("flowstate:increment:n?by=10")
                        .setHeader("second", body())
                        .to("flowstate:increment:n?by=2.5")
                        .setBody(e -> List.of(e.getMessage().getHeader("first"), e.getMessage().getHeader("second"),
                                e.getMessage().getBody()));
                from("direct:delete")
                        .to("flowstate:set:kept")
                        .to("flowstate:set:gone")
                        .to("flowstate:delete:gone")
                        .to("flowstate:getAll");
                from("direct:getAllClear")
                        .to("flowstate:set:a")
                        .to("flowstate:increment:b")
                        .to("flowstate:getAll")
                        .setHeader("all", body())
                        .to("flowstate:clear")
                        .to("flowstate:getAll");
                from("direct:start")
                        .to("flowstate:start:orders")
                        .setHeader("firstId", header(FlowStateConstants.EXECUTION_ID))
                        .to("flowstate:start:orders")
                        .setHeader("sameRun", simple("${header.firstId} == ${header.CamelFlowStateExecutionId}", Boolean.class));
                from("direct:keyHeader")
                        .to("flowstate:set:ignored")
                        .removeHeader(FlowStateConstants.KEY)
                        .to("flowstate:getAll");
                from("direct:operationHeader")
                        .setHeader(FlowStateConstants.OPERATION, constant("set"))
                        .to("flowstate:get:a")
                        .removeHeader(FlowStateConstants.OPERATION)
                        .to("flowstate:getAll");
                from("direct:copies")
                        .to("flowstate:set:list")
                        .process(e -> addToBodyList(e, "changed after set"))
                        .to("flowstate:get:list")
                        .process(e -> addToBodyList(e, "changed after get"))
                        .to("flowstate:get:list");
            }
        };
    }

    /** Changes the list the body holds in place, as user code may do with what flowstate handed it. */
    @SuppressWarnings("unchecked")
    private static void addToBodyList(Exchange exchange, String item) {
        exchange.getMessage().getBody(List.class).add(item);
    }
}
