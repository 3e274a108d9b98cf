package io.flowstate.examples.etl;

import io.flowstate.camel.aggregate.OrderedResultsAggregationStrategy;
import org.apache.camel.builder.RouteBuilder;

/**
 * One ETL run: extract into the run's scratch directory, three transformations in parallel (branch-all) that read the
 * extract and write their own files there, collected in branch order into one list (the step's recorded result), then
 * the run completes and its scratch directory is removed.
 */
public class EtlRoutes extends RouteBuilder {

    static final String ORDERS = "acme,120.50\nglobex,80.00\nacme,35.25\ninitech,99.99\n";

    @Override
    public void configure() {
        from("timer:etl?repeatCount=1").routeId("etl")
                .to("flowstate:start:etl")
                .to("flowstate:workdir")                     // header CamelFlowStateWorkDir := this run's directory
                .step("extract")
                    .setBody(constant(ORDERS))
                    .toD("file:${header.CamelFlowStateWorkDir}?fileName=orders.csv")
                    .setBody(constant("orders.csv"))
                .end()
                .step("transform")                           // results.transform := the list, in branch order
                    .multicast(new OrderedResultsAggregationStrategy()).parallelProcessing()
                        .to("direct:count", "direct:total", "direct:top")
                    .end()
                .end()
                .log("transform results, in branch order: ${body}")
                .process(e -> e.getMessage().setHeader("files", listFiles(e.getMessage().getHeader(
                        "CamelFlowStateWorkDir", String.class))))
                .log("scratch directory ${header.CamelFlowStateWorkDir} holds ${header.files}")
                .to("flowstate:complete")                    // final snapshot; the scratch directory is removed
                .log("run ${body[executionId]} ${body[status]}: results.transform = ${body[results][transform]}")
                .process(e -> e.getMessage().setHeader("exists", java.nio.file.Files.exists(java.nio.file.Path.of(
                        e.getMessage().getHeader("CamelFlowStateWorkDir", String.class)))))
                .log("scratch directory still there after complete: ${header.exists}");

        // each branch reads the extract from the scratch directory and writes its own file there
        branch("count", "count.txt", 300);                   // the slowest branch, yet first in the list
        branch("total", "total.txt", 0);
        branch("top", "top.txt", 100);
    }

    private void branch(String name, String file, long delay) {
        from("direct:" + name).routeId(name)
                .delay(delay)
                .pollEnrich().simple("file:${header.CamelFlowStateWorkDir}?fileName=orders.csv&noop=true&idempotent=false")
                    .timeout(5000)
                .convertBodyTo(String.class)
                .bean(OrderFigures.class, name.equals("top") ? "topCustomer" : name)
                .toD("file:${header.CamelFlowStateWorkDir}?fileName=" + file)
                .log("branch " + name + " done: ${body}");
    }

    private static java.util.List<String> listFiles(String dir) throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(java.nio.file.Path.of(dir))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
