package io.flowstate.camel.seed;

import org.apache.camel.builder.RouteBuilder;

/** Managed resources in Java; the twin of seed/managed.yaml and seed/managed.xml. */
public class ManagedJavaDslRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:shared").routeId("shared")
                .to("flowstate:start?resource.session=#sessionFactory")
                .step("first")
                    .to("flowstate:resource:session")
                    .setBody(simple("${body.touch()}"))
                .end()
                .split(header("items")).parallelProcessing()
                    .to("flowstate:resource:session")
                    .setBody(simple("${body.touch()}"))
                .end()
                .to("flowstate:resource:plainSession")
                .setBody(simple("${body.touch()}"))
                .to("flowstate:complete");

        from("direct:approve").routeId("approve")
                .to("flowstate:start?resource.session=#sessionFactory")
                .step("before")
                    .to("flowstate:resource:session")
                    .setBody(simple("${body.touch()}"))
                .end()
                .to("flowstate:suspend:approval")
                .step("after")
                    .to("flowstate:resource:session")
                    .setBody(simple("${body.touch()}"))
                .end();

        from("direct:nap").routeId("nap")
                .to("flowstate:start?resource.session=#sessionFactory")
                .step("beforeNap")
                    .to("flowstate:resource:session")
                    .setBody(simple("${body.touch()}"))
                .end()
                .to("flowstate:sleep?duration=PT1S")
                .step("afterNap")
                    .to("flowstate:resource:session")
                    .setBody(simple("${body.touch()}"))
                .end();

        from("direct:broken").routeId("broken")
                .to("flowstate:start?resource.session=#sessionFactory&resource.browser=#brokenFactory")
                .step("useBoth")
                    .to("flowstate:resource:session")
                    .to("flowstate:resource:browser")
                .end();

        from("direct:resume").routeId("resume")
                .to("flowstate:resume");
    }
}
