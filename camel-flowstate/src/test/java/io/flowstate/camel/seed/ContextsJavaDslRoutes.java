package io.flowstate.camel.seed;

import org.apache.camel.builder.RouteBuilder;

/** Runs of contexts reused across runs, in Java; the twin of seed/contexts.yaml and seed/contexts.xml. */
public class ContextsJavaDslRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:visit").routeId("visit")
                .to("flowstate:start")
                .to("flowstate:append:names")
                .to("flowstate:increment:visits");

        from("direct:visitTyped").routeId("visitTyped")
                .to("flowstate:start?stateClass=io.flowstate.camel.seed.VisitState")
                .to("flowstate:set:last")
                .to("flowstate:increment:visits");

        from("direct:visitThenFail").routeId("visitThenFail")
                .to("flowstate:start")
                .to("flowstate:increment:visits")
                .throwException(new IllegalStateException("visit failed"));

        from("direct:approve").routeId("approve")
                .to("flowstate:start")
                .step("count")
                    .to("flowstate:increment:approvals")
                .end()
                .to("flowstate:suspend:approval")
                .to("flowstate:set:approvedBy");

        from("direct:resume").routeId("resume")
                .to("flowstate:resume");
    }
}
