package io.flowstate.examples.changes;

import org.apache.camel.builder.RouteBuilder;

/**
 * Windmill's trigger flow in two routes: a quartz trigger polls the source, flowstate:changes keeps only the customers
 * not seen before (the watermark of seen ids lives in the persistent scope, in the repository) and a split onboards
 * each new customer in a child run of its own.
 */
public class CustomerWatchRoutes extends RouteBuilder {

    @Override
    public void configure() {
        // fires at start and once more a second later: two polls
        from("quartz:flowstate/newCustomers?trigger.repeatInterval=1000&trigger.repeatCount=1").routeId("newCustomers")
                .to("bean:customerFeed?method=poll")
                .log("poll ${header.poll}: the source lists ${body.size()} customers")
                // body := only the customers whose id is not in the watermark 'seenCustomers'; the new watermark is
                // stored when this exchange completes without error; nothing new: the exchange ends here
                .to("flowstate:changes:seenCustomers?idPath=id&stopWhenEmpty=true")
                .log("poll ${header.poll}: new customers ${body}")
                .split(body())
                    .to("direct:onboard")
                .end();

        from("direct:onboard").routeId("onboarding")
                .to("flowstate:start:onboarding")           // a child run per customer, linked to the poll's run
                .to("flowstate:set:customer")
                .setHeader("name", simple("${body[name]}"))
                .to("flowstate:increment:onboardedEver?scope=persistent")
                // the message keeps the poll's run id in header CamelFlowStateExecutionId; the child run is the
                // one the exchange carries while this route runs
                .log("onboarded ${header.name}, customer number ${body} ever, in run"
                     + " ${exchangeProperty.CamelFlowStateExecution.executionId} of flow"
                     + " ${exchangeProperty.CamelFlowStateExecution.flowId}");
    }
}
