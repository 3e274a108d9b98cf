package io.flowstate.camel.trigger;

import org.apache.camel.builder.RouteBuilder;

/** The change-watching routes in Java; the twin of trigger/changes.yaml and trigger/changes.xml. */
public class ChangesJavaDslRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:poll").routeId("watch")
                .to("flowstate:changes:seen?idPath=id");

        from("direct:pollChanged").routeId("watchChanged")
                .to("flowstate:changes:customers?idPath=.customer.id&mode=newOrChanged");

        from("direct:pollThenFail").routeId("watchThenFail")
                .to("flowstate:changes:seen?idPath=id")
                .filter(header("fail"))
                    .throwException(new IllegalStateException("processing failed"))
                .end();

        from("direct:pollImmediateThenFail").routeId("watchImmediate")
                .to("flowstate:changes:seen?idPath=id&commit=immediate")
                .filter(header("fail"))
                    .throwException(new IllegalStateException("processing failed"))
                .end();

        from("direct:pollStop").routeId("watchStop")
                .to("flowstate:changes:seen?stopWhenEmpty=true")
                .to("mock:afterChanges")
                .split(body())
                    .to("mock:item")
                .end();
    }
}
