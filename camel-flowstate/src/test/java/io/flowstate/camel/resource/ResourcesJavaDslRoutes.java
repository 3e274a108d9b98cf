package io.flowstate.camel.resource;

import org.apache.camel.builder.RouteBuilder;

/** The resource routes in Java; the twin of resource/resources.yaml and resource/resources.xml. */
public class ResourcesJavaDslRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:greet").routeId("greet")
                .to("flowstate:start?resource.greeter=#flowGreeter")
                .to("mock:started")
                .to("flowstate:resource:greeter")
                .setBody(simple("${body.prefix}"));

        from("direct:registryGreet").routeId("registryGreet")
                .to("flowstate:resource:greeter")
                .setBody(simple("${body.prefix}"));

        from("direct:optional").routeId("optional")
                .to("flowstate:resource:nothing?required=false");

        from("direct:required").routeId("required")
                .to("flowstate:start?resource.greeter=#flowGreeter")
                .to("flowstate:resource:nothing");

        from("direct:wrongType").routeId("wrongType")
                .to("flowstate:start?resource.greeter=#flowGreeter")
                .process("asDataSource");

        from("direct:saved").routeId("saved")
                .to("flowstate:start:savedFlow?resource.greeter=#flowGreeter")
                .to("flowstate:resource:audit")
                .setBody(simple("${body.prefix}"))
                .to("flowstate:set:note")
                .to("flowstate:snapshot");

        from("direct:approve").routeId("approve")
                .to("flowstate:start?resource.greeter=#flowGreeter")
                .step("prepare")
                    .to("flowstate:resource:callback")
                    .setBody(simple("${body.greet('before')}"))
                .end()
                .to("flowstate:suspend:approval")
                .step("finish")
                    .to("flowstate:resource:callback")
                    .setBody(simple("${body.greet('after')}"))
                .end();

        from("direct:resume").routeId("resume")
                .to("flowstate:resume");

        from("direct:restore").routeId("restore")
                .to("flowstate:restore")
                .to("flowstate:resource:callback")
                .setBody(simple("${body.prefix}"));
    }
}
