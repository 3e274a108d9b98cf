package io.flowstate.camel.aggregate;

import org.apache.camel.builder.RouteBuilder;

import static io.flowstate.camel.language.FlowStateLanguage.flowstate;

/**
 * Collectors in Java DSL routes; the twin of {@code aggregate/collectors.yaml} and {@code aggregate/collectors.xml}.
 * Branches and items finish in the reverse of their order; streaming makes Camel aggregate them as they finish.
 */
class CollectorJavaDslRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:branches").routeId("collectBranches")
                .multicast(new OrderedResultsAggregationStrategy()).parallelProcessing().streaming()
                    .to("direct:slow", "direct:medium", "direct:fast")
                .end();

        from("direct:slow").routeId("slow").delay(300).setBody(constant("slow"));
        from("direct:medium").routeId("medium").delay(150).setBody(constant("medium"));
        from("direct:fast").routeId("fast").setBody(constant("fast"));

        // each item is its own delay in milliseconds
        from("direct:items").routeId("collectItems")
                .split(body()).aggregationStrategy("collector").parallelProcessing().streaming()
                    .delay(body())
                    .setBody(simple("item-${body}"))
                .end();

        from("direct:failingBranches").routeId("failingBranches")
                .multicast(new OrderedResultsAggregationStrategy()).parallelProcessing().streaming()
                    .to("direct:slow", "direct:broken", "direct:fast")
                .end();

        from("direct:broken").routeId("broken")
                .throwException(IllegalStateException.class, "branch broken failed");

        from("direct:failingItems").routeId("failingItems")
                .split(body()).aggregationStrategy(new OrderedResultsAggregationStrategy()).parallelProcessing()
                    .filter(simple("${body} == 13"))
                        .throwException(IllegalArgumentException.class, "item 13 failed")
                    .end()
                    .setBody(simple("item-${body}"))
                .end();
    

        // a step around the branch-all and the for-loop records the collected list as its result
        from("direct:collectInSteps").routeId("collectInSteps")
                .to("flowstate:start")
                .step("fanout")
                    .multicast(new OrderedResultsAggregationStrategy()).parallelProcessing().streaming()
                        .to("direct:slow", "direct:medium", "direct:fast")
                    .end()
                .end()
                .step("lengths")
                    .split(flowstate(".results.fanout"), new OrderedResultsAggregationStrategy()).parallelProcessing()
                        .setBody(simple("${body.length()}"))
                    .end()
                .end()
                .setBody(flowstate("{fanout: .results.fanout, lengths: .results.lengths}"));
    }
}
