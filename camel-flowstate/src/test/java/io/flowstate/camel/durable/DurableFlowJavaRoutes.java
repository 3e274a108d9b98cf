package io.flowstate.camel.durable;

import org.apache.camel.builder.RouteBuilder;

import static io.flowstate.camel.language.FlowStateLanguage.flowstate;

/**
 * The durable flows of {@code durable/durable-flows.yaml} and {@code durable/durable-flows.xml} in Java DSL. Each
 * flow starts its run with {@code flowstate:start}; every {@code step} with an id is a flow step (its body recorded as
 * {@code results.<id>}, the run saved after it). Bean {@code counter} counts how often each step body ran.
 * <p>
 * Java DSL note: {@code step("x")...end()} closes the step; EIPs with their own block ({@code split}, {@code loop},
 * {@code multicast}, {@code choice}) need their own {@code end()} after the steps inside them.
 */
class DurableFlowJavaRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:resume").routeId("resume")
                .to("flowstate:resume");

        // branch-one: the choice reads the result of step "check" (the body right after it, restored on a resume)
        from("direct:branchOne").routeId("branchOne")
                .to("flowstate:start")
                .step("check")
                    .bean("counter", "hit('check')")
                    .setBody(simple("${body[amount]}"))
                .end()
                .choice()
                    .when(simple("${body} > 100"))
                        .step("manualReview")
                            .bean("counter", "hit('manualReview')")
                            .setBody(simple("manual review of ${body}"))
                        .end()
                    .endChoice()
                    .otherwise()
                        .step("autoApprove")
                            .bean("counter", "hit('autoApprove')")
                            .setBody(simple("auto approved ${body}"))
                        .end()
                    .endChoice()
                .end();

        // branch-all: three branches in parallel, each a step; the bodies collected in branch order
        from("direct:branchAll").routeId("branchAll")
                .to("flowstate:start")
                .multicast().aggregationStrategy("groupedBodies").parallelProcessing()
                    .step("quoteA")
                        .bean("counter", "hit('quoteA')")
                        .setBody(simple("A:${body}"))
                    .end()
                    .step("quoteB")
                        .bean("counter", "hit('quoteB')")
                        .setBody(simple("B:${body}"))
                    .end()
                    .step("quoteC")
                        .bean("counter", "hit('quoteC')")
                        .setBody(simple("C:${body}"))
                    .end()
                .end()
                .step("quotes")
                    .bean("counter", "hit('quotes')")
                .end();

        // for-loop: one result per item, item[0], item[1], ...
        from("direct:forLoop").routeId("forLoop")
                .to("flowstate:start")
                .split(body()).aggregationStrategy("groupedBodies")
                    .step("item")
                        .bean("counter", "hit('item')")
                        .setBody(simple("checked ${body}"))
                    .end()
                .end()
                .step("items")
                    .bean("counter", "hit('items')")
                .end();

        // while-loop: tick until the run's counter reaches 3, one result per iteration, tick[0], tick[1], ...
        from("direct:whileLoop").routeId("whileLoop")
                .to("flowstate:start")
                .setBody(constant(0))
                .loopDoWhile(simple("${body} < 3"))
                    .step("tick")
                        .bean("counter", "hit('tick')")
                        .to("flowstate:increment:ticks")
                    .end()
                .end()
                .step("afterLoop")
                    .setBody(simple("ticked ${body} times"))
                .end();

        // inner flow: a step calls another route that has steps of its own
        from("direct:outer").routeId("outer")
                .to("flowstate:start")
                .step("enrich")
                    .to("direct:inner")
                .end()
                .step("finish")
                    .setBody(simple("finished ${body}"))
                .end();

        from("direct:inner").routeId("inner")
                .step("innerA")
                    .bean("counter", "hit('innerA')")
                    .setBody(simple("${body}+a"))
                .end()
                .step("innerB")
                    .bean("counter", "hit('innerB')")
                    .setBody(simple("${body}+b"))
                .end();

        // inner flow that suspends: the resume re-enters the outer route and reaches the suspend through the inner one
        from("direct:outerApproval").routeId("outerApproval")
                .to("flowstate:start")
                .step("prepare")
                    .bean("counter", "hit('prepare')")
                    .setBody(simple("prepared ${body}"))
                .end()
                .step("signing")
                    .to("direct:innerSigning")
                .end()
                .step("archive")
                    .bean("counter", "hit('archive')")
                    .setBody(simple("archived ${body}"))
                .end();

        from("direct:innerSigning").routeId("innerSigning")
                .step("draft")
                    .bean("counter", "hit('draft')")
                    .setBody(simple("draft of ${body}"))
                .end()
                .to("flowstate:suspend:signature")
                .step("sign")
                    .bean("counter", "hit('sign')")
                    .setBody(simple("signed by ${body[by]}"))
                .end();

        // approval: validate and price run once, the suspend waits for a person, the payload decides
        from("direct:approval").routeId("approval")
                .to("flowstate:start")
                .step("validate")
                    .bean("counter", "hit('validate')")
                    .setBody(simple("${body[id]}"))
                .end()
                .to("flowstate:set:orderId")
                .step("price")
                    .bean("counter", "hit('price')")
                    .setBody(constant(250))
                .end()
                .to("flowstate:suspend:approval")
                .choice()
                    .when(simple("${body[approved]} == true"))
                        .step("ship")
                            .bean("counter", "hit('ship')")
                            .setBody(simple("shipped, approved by ${body[by]}"))
                        .end()
                    .endChoice()
                    .otherwise()
                        .step("reject")
                            .bean("counter", "hit('reject')")
                            .setBody(simple("rejected by ${body[by]}"))
                        .end()
                    .endChoice()
                .end();

        // loops and branches before a suspend: the resume replays them from their recorded results, running none again
        from("direct:replay").routeId("replay")
                .to("flowstate:start")
                .split(body()).aggregationStrategy("groupedBodies")
                    .step("line")
                        .bean("counter", "hit('line')")
                        .setBody(simple("line ${body}"))
                    .end()
                .end()
                .setBody(constant(0))
                .loopDoWhile(simple("${body} < 3"))
                    .step("round")
                        .bean("counter", "hit('round')")
                        .to("flowstate:increment:rounds")
                    .end()
                .end()
                .multicast().aggregationStrategy("groupedBodies").parallelProcessing()
                    .step("legA")
                        .bean("counter", "hit('legA')")
                        .setBody(simple("legA after ${body} rounds"))
                    .end()
                    .step("legB")
                        .bean("counter", "hit('legB')")
                        .setBody(simple("legB after ${body} rounds"))
                    .end()
                .end()
                .to("flowstate:suspend:replayApproval")
                .step("replayDone")
                    .bean("counter", "hit('replayDone')")
                    .setBody(simple("done, approved by ${body[by]}"))
                .end();

        // inner flow with its own flowstate:start:NAME: a child run linked to the caller's run; its suspend suspends both
        from("direct:checkout").routeId("checkout")
                .to("flowstate:start:checkout")
                .step("basket")
                    .bean("counter", "hit('basket')")
                    .setBody(simple("basket of ${body}"))
                .end()
                .step("payment")
                    .to("direct:payment")
                .end()
                .step("confirmation")
                    .bean("counter", "hit('confirmation')")
                    .setBody(simple("confirmed: ${body}"))
                .end();

        from("direct:payment").routeId("paymentFlow")
                .to("flowstate:start:payment")
                .step("charge")
                    .bean("counter", "hit('charge')")
                    .setBody(simple("charged ${body}"))
                .end()
                .to("flowstate:suspend:secureCode")
                .step("receipt")
                    .bean("counter", "hit('receipt')")
                    .setBody(simple("receipt (code ${body[code]})"))
                .end();

        // branch-one on an earlier step's result by id with the flowstate language, after the body changed
        from("direct:scoring").routeId("scoring")
                .to("flowstate:start")
                .step("score")
                    .bean("counter", "hit('score')")
                    .setBody(simple("${body}"))
                .end()
                .setBody(constant("something else"))
                .choice()
                    .when(flowstate(".results.score.amount > 100 and .input.body.vip"))
                        .step("priority")
                            .setBody(flowstate("\"priority \" + .results.score.id"))
                        .end()
                    .endChoice()
                    .otherwise()
                        .step("standard")
                            .setBody(flowstate("\"standard \" + .results.score.id"))
                        .end()
                    .endChoice()
                .end();

        // timeout: nobody answers within 50 ms, the run continues with a null body and CamelFlowStateTimedOut=true
        from("direct:timed").routeId("timed")
                .to("flowstate:start")
                .step("prepareTimed")
                    .bean("counter", "hit('prepareTimed')")
                    .setBody(constant("prepared"))
                .end()
                .to("flowstate:suspend:slowApproval?timeout=PT0.05S")
                .choice()
                    .when(header("CamelFlowStateTimedOut").isEqualTo(true))
                        .step("escalate")
                            .bean("counter", "hit('escalate')")
                            .setBody(constant("escalated"))
                        .end()
                    .endChoice()
                    .otherwise()
                        .step("decide")
                            .bean("counter", "hit('decide')")
                            .setBody(constant("decided"))
                        .end()
                    .endChoice()
                .end();
    }
}
