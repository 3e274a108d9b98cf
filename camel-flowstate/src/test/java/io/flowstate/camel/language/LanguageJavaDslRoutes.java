package io.flowstate.camel.language;

import org.apache.camel.builder.RouteBuilder;

import static io.flowstate.camel.language.FlowStateLanguage.flowstate;

/**
 * The flowstate language in Java DSL routes; the twin of {@code language/flowstate-language.yaml} and
 * {@code language/flowstate-language.xml}.
 */
class LanguageJavaDslRoutes extends RouteBuilder {

    @Override
    public void configure() {
        // branch-one over state and a step result
        from("direct:branchOne").routeId("langBranchOne")
                .to("flowstate:set:count")
                .process("completeCheck")
                .choice()
                    .when(flowstate(".state.count >= 3"))
                        .setBody(constant("many"))
                    .when().language("flowstate", ".results.check.amount > 100")
                        .setBody(constant("big"))
                    .otherwise()
                        .setBody(constant("few"))
                .end();

        // for-loop over a list in state; $body is the current item
        from("direct:forLoop").routeId("langForLoop")
                .to("flowstate:set:items")
                .split(flowstate(".state.items"))
                    .setBody(flowstate("$body | ascii_upcase"))
                    .to("flowstate:append:seen")
                .end()
                .setBody(flowstate(".state.seen"));

        // while-loop: the predicate is checked before each iteration
        from("direct:whileLoop").routeId("langWhileLoop")
                .to("flowstate:set:count")
                .loopDoWhile(flowstate(".state.count < 5"))
                    .to("flowstate:increment:count")
                .end()
                .setBody(flowstate(".state.count"));

        // headers and body from the run's identity and input
        from("direct:setters").routeId("langSetters")
                .to("flowstate:start:orders")
                .setHeader("runId", flowstate(".executionId"))
                .setHeader("flow", flowstate(".flowId"))
                .setHeader("customer", flowstate(".input.body.customer"))
                .setBody(flowstate("{customer: .input.body.customer, total: (.input.body.lines | map(.price) | add)}"));
    

        // a Camel step records its body as results.<stepId>; later expressions read it
        from("direct:steps").routeId("langSteps")
                .to("flowstate:start")
                .step("quote")
                    .setBody(flowstate("{amount: ($headers.amount | tonumber), currency: \"EUR\"}"))
                .end()
                .choice()
                    .when(flowstate(".results.quote.amount > 100 and .results.quote.currency == \"EUR\""))
                        .setBody(flowstate("\"approve \\(.results.quote.amount)\""))
                    .otherwise()
                        .setBody(constant("auto"))
                .end();
    }
}
