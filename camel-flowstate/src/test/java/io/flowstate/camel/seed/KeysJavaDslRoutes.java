package io.flowstate.camel.seed;

import org.apache.camel.builder.RouteBuilder;

/** Business keys and the runs query, in Java; the twin of seed/keys.yaml and seed/keys.xml. */
public class KeysJavaDslRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:order").routeId("order")
                .to("flowstate:start?businessKey=${header.orderId}")
                .to("flowstate:suspend:approval")
                .setBody(constant("approved"));

        from("direct:orderAttach").routeId("orderAttach")
                .to("flowstate:start:order?businessKey=${header.orderId}&onDuplicate=attach")
                .to("flowstate:suspend:approval")
                .setBody(constant("approved"));

        from("direct:orderByHeader").routeId("orderByHeader")
                .to("flowstate:start:order")
                .to("flowstate:suspend:approval");

        from("direct:resume").routeId("resume")
                .to("flowstate:resume");

        from("direct:waiting").routeId("waiting")
                .to("flowstate:runs?flow=order&status=SUSPENDED&waitingFor=approval&limit=2");

        from("direct:runsOfKey").routeId("runsOfKey")
                .to("flowstate:runs?businessKey=${header.orderId}&status=suspended,completed");
    }
}
