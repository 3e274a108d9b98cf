package io.flowstate.camel.dsl;

import io.flowstate.camel.state.StateTypeException;
import org.apache.camel.builder.RouteBuilder;

/**
 * The Java DSL twin of {@code routes/flowstate-operations.yaml} and {@code routes/flowstate-operations.xml}: same route
 * ids, same endpoints, same steps. Keep the three files in step.
 */
public class FlowStateJavaDslRoutes extends RouteBuilder {

    static final String TYPED = "flowstate:start?stateClass=io.flowstate.camel.dsl.OrderState";

    @Override
    public void configure() {
        from("direct:getDefault").routeId("getDefault")
                .to("flowstate:get:missing?defaultValue=none");

        from("direct:getRequired").routeId("getRequired")
                .to("flowstate:get:missing?required=true");

        from("direct:setFromBody").routeId("setFromBody")
                .to("flowstate:set:greeting")
                .to("mock:afterSet")
                .setBody(constant("replaced"))
                .to("flowstate:get:greeting");

        from("direct:setFromHeader").routeId("setFromHeader")
                .to("flowstate:set:greeting")
                .to("mock:afterHeaderSet")
                .to("flowstate:get:greeting");

        from("direct:append").routeId("append")
                .to("flowstate:start")
                .split(body())
                    .to("flowstate:append:items")
                .end()
                .to("flowstate:get:items");

        from("direct:increment").routeId("increment")
                .to("flowstate:increment:counter")
                .to("mock:afterIncrement")
                .to("flowstate:increment:counter?by=5");

        from("direct:incrementDecimal").routeId("incrementDecimal")
                .to("flowstate:increment:amount?by=0.1")
                .to("flowstate:increment:amount?by=0.2");

        from("direct:operationHeader").routeId("operationHeader")
                .to("flowstate:get:counter");

        from("direct:delete").routeId("delete")
                .to("flowstate:set:temp")
                .to("flowstate:delete:temp")
                .to("flowstate:get:temp?defaultValue=gone");

        from("direct:getAll").routeId("getAll")
                .to("flowstate:set:name")
                .to("flowstate:increment:visits")
                .to("flowstate:getAll");

        from("direct:clear").routeId("clear")
                .to("flowstate:set:name")
                .to("flowstate:increment:visits")
                .to("flowstate:clear")
                .to("flowstate:getAll");

        from("direct:startFlow").routeId("startFlow")
                .to("flowstate:start:orders")
                .to("flowstate:set:started");

        from("direct:startDefault").routeId("startDefault")
                .to("flowstate:start");

        from("direct:typed").routeId("typed")
                .to(TYPED)
                .to("flowstate:increment:attempts")
                .to("flowstate:getAll");

        from("direct:typedUnknownKey").routeId("typedUnknownKey")
                .to(TYPED)
                .to("flowstate:set:colour");

        from("direct:typedWrongType").routeId("typedWrongType")
                .to(TYPED)
                .to("flowstate:set:attempts");

        from("direct:flowScope").routeId("flowScope")
                .to("flowstate:increment:hits?scope=flow&noWarning=true");

        from("direct:flowScopeOther").routeId("flowScopeOther")
                .to("flowstate:increment:hits?scope=flow&noWarning=true");

        from("direct:flowScopeWarns").routeId("flowScopeWarns")
                .to("flowstate:increment:hits?scope=flow");

        from("direct:executionScope").routeId("executionScope")
                .to("flowstate:increment:hits?scope=execution");

        from("direct:keyHeader").routeId("keyHeader")
                .to("flowstate:set:ignored")
                .to("flowstate:getAll");

        from("direct:incrementString").routeId("incrementString")
                .to("flowstate:set:name")
                .to("flowstate:increment:name");

        from("direct:incrementStringCaught").routeId("incrementStringCaught")
                .to("flowstate:set:name")
                .doTry()
                    .to("flowstate:increment:name")
                .doCatch(StateTypeException.class)
                    .setHeader("error", simple("${exception.message}"))
                    .to("flowstate:get:name")
                .end();
    }
}
