package io.flowstate.examples.basics;

import java.util.List;

import org.apache.camel.builder.RouteBuilder;

/**
 * One run per order: typed run state filled step by step, a parallel split appending into it, an atomic edit, a
 * counter shared by the runs of this process (flow scope) and one kept across restarts (persistent scope).
 */
public class OrderRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:orders?repeatCount=3&period=100").routeId("orders")
                .to("flowstate:start?stateClass=" + OrderState.class.getName())
                .setBody(constant("acme"))
                .to("flowstate:set:customer")
                .setBody(constant(List.of("widget", "gadget", "gizmo")))
                .split(body()).parallelProcessing()
                    .to("flowstate:append:lines")
                .end()
                .to("flowstate:increment:attempts")
                .process(new PriceOrder())
                .to("flowstate:increment:ordersThisProcess?scope=flow&noWarning=true")
                .setHeader("ordersThisProcess", body())
                .to("flowstate:increment:ordersEver?scope=persistent")
                .setHeader("ordersEver", body())
                .to("flowstate:getAll")
                .log("Order run ${header.CamelFlowStateExecutionId}: state ${body}"
                     + " | orders in this process: ${header.ordersThisProcess}, ever: ${header.ordersEver}");
    }
}
