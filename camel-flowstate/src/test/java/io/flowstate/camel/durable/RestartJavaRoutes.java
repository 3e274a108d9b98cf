package io.flowstate.camel.durable;

import org.apache.camel.builder.RouteBuilder;

/**
 * The flows of {@code durable/restart-flows.yaml} and {@code durable/restart-flows.xml} in Java DSL: an order of five
 * steps (step {@code pay} fails while the probe has it broken, after counting its tries in the run's state), an
 * order whose items are charged in a split (step {@code confirm} after it fails while broken), a shipment whose
 * inner flow {@code carrier} fails at step {@code pickup} while broken, and the endpoints that restart them.
 */
class RestartJavaRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:restart").routeId("restart")
                .to("flowstate:restart");
        from("direct:restartFromPrice").routeId("restartFromPrice")
                .to("flowstate:restart?fromStep=price");
        from("direct:restartFromCharge3").routeId("restartFromCharge3")
                .to("flowstate:restart?fromStep=charge[3]");

        from("direct:order").routeId("order")
                .to("flowstate:start")
                .step("reserve")
                    .bean("probe", "hit('reserve', ${header.CamelFlowStateAttempt})")
                    .setBody(simple("reserved ${body}"))
                .end()
                .step("price")
                    .bean("probe", "hit('price', ${header.CamelFlowStateAttempt})")
                    .setBody(simple("${body}, priced"))
                .end()
                .step("pay")
                    .bean("probe", "hit('pay', ${header.CamelFlowStateAttempt})")
                    .setVariable("order", body())
                    .to("flowstate:increment:payTries")
                    .bean("probe", "failIfBroken('pay')")
                    .setBody(simple("${variable.order}, paid"))
                .end()
                .step("ship")
                    .bean("probe", "hit('ship', ${header.CamelFlowStateAttempt})")
                    .setBody(simple("${body}, shipped"))
                .end()
                .step("notify")
                    .bean("probe", "hit('notify', ${header.CamelFlowStateAttempt})")
                    .setBody(simple("${body}, notified"))
                .end();

        from("direct:items").routeId("items")
                .to("flowstate:start")
                .split(body())
                    .step("charge")
                        .bean("probe", "hit('charge', ${header.CamelFlowStateAttempt})")
                        .setBody(simple("charged ${body}"))
                    .end()
                .end()
                .step("confirm")
                    .bean("probe", "hit('confirm', ${header.CamelFlowStateAttempt})")
                    .bean("probe", "failIfBroken('confirm')")
                    .setBody(simple("confirmed ${body.size()} items"))
                .end();

        from("direct:shipment").routeId("shipment")
                .to("flowstate:start")
                .step("book")
                    .bean("probe", "hit('book', ${header.CamelFlowStateAttempt})")
                    .setBody(simple("booked ${body}"))
                .end()
                .step("dispatch")
                    .to("direct:carrier")
                .end();

        from("direct:carrier").routeId("carrier")
                .to("flowstate:start:carrier")
                .step("label")
                    .bean("probe", "hit('label', ${header.CamelFlowStateAttempt})")
                    .setBody(simple("${body}, labelled"))
                .end()
                .step("pickup")
                    .bean("probe", "hit('pickup', ${header.CamelFlowStateAttempt})")
                    .bean("probe", "failIfBroken('pickup')")
                    .setBody(simple("${body}, picked up"))
                .end();
    }
}
