package io.flowstate.camel.resource;

import org.apache.camel.builder.RouteBuilder;

/** The secret-state routes in Java; the twin of resource/secrets.yaml and resource/secrets.xml. */
public class SecretsJavaDslRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:login").routeId("login")
                .to("flowstate:start")
                .setBody(constant("{{test.apiKey}}"))
                .to("flowstate:set:apiKey")
                .setBody(header("user"))
                .to("flowstate:set:user")
                .to("flowstate:suspend:approval")
                .to("flowstate:get:apiKey");

        from("direct:resume").routeId("resume")
                .to("flowstate:resume");

        from("direct:rememberKey").routeId("remembered")
                .setBody(constant("{{test.apiKey}}"))
                .to("flowstate:set:apiKey?scope=persistent")
                .setBody(constant("cleared"))
                .to("flowstate:get:apiKey?scope=persistent");
    }
}
