package io.flowstate.camel.seed;

import org.apache.camel.builder.RouteBuilder;

import static io.flowstate.camel.language.FlowStateLanguage.flowstate;

/** The global scope in Java; the twin of seed/global.yaml and seed/global.xml. */
public class GlobalJavaDslRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:writeConfig").routeId("configWriter")
                .to("flowstate:set:team/crm/config?scope=global");

        from("direct:readConfig").routeId("configReader")
                .to("flowstate:get:team/crm/config?scope=global");

        from("direct:readConfigJq").routeId("configReaderJq")
                .setBody(flowstate("global(\"team/crm/config\").url"));

        from("direct:countGlobal").routeId("globalCounter")
                .to("flowstate:increment:team/crm/calls?scope=global");

        from("direct:appendGlobal").routeId("globalAppender")
                .to("flowstate:append:team/crm/log?scope=global");

        from("direct:byHeader").routeId("globalByHeader")
                .to("flowstate:set?scope=global")
                .to("flowstate:get?scope=global");

        from("direct:deleteConfig").routeId("configDeleter")
                .to("flowstate:delete:team/crm/config?scope=global");

        from("direct:allGlobal").routeId("globalAll")
                .to("flowstate:getAll?scope=global");

        from("direct:setSecret").routeId("globalSecret")
                .to("flowstate:set:team/crm/apiKey?scope=global");
    }
}
