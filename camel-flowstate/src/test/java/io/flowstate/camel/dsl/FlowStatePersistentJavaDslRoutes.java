package io.flowstate.camel.dsl;

import org.apache.camel.builder.RouteBuilder;

/**
 * The Java DSL twin of {@code routes/flowstate-persistent.yaml} and {@code routes/flowstate-persistent.xml}.
 */
public class FlowStatePersistentJavaDslRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:persistentCounter").routeId("persistentCounter")
                .to("flowstate:increment:runs?scope=persistent");

        from("direct:lastSeen").routeId("lastSeen")
                .setProperty("incoming", body())
                .to("flowstate:get:lastSeen?scope=persistent&defaultValue=never")
                .setHeader("previous", body())
                .setBody(exchangeProperty("incoming"))
                .to("flowstate:set:lastSeen?scope=persistent")
                .setBody(header("previous"));

        from("direct:persistentList").routeId("persistentList")
                .to("flowstate:append:seen?scope=persistent")
                .to("flowstate:getAll?scope=persistent");

        from("direct:persistentForget").routeId("persistentForget")
                .to("flowstate:start:persistentList")
                .to("flowstate:delete:seen?scope=persistent")
                .to("flowstate:getAll?scope=persistent");

        from("direct:persistentReset").routeId("persistentReset")
                .to("flowstate:start:persistentList")
                .to("flowstate:clear?scope=persistent")
                .to("flowstate:getAll?scope=persistent");
    }
}
