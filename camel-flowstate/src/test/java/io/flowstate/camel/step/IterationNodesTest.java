package io.flowstate.camel.step;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.SplitDefinition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A split/loop/multicast node is named by its route and its own id, or its place in the route when Camel generated
 * its id: nothing that depends on other routes.
 */
class IterationNodesTest {

    @Test
    void aNodeIsNamedByItsRouteAndItsOwnIdOrItsPlaceInTheRoute() throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:batch").routeId("batch")
                        .log("first")
                        .split(body()).id("items")
                            .choice()
                                .when(simple("${body} == 'x'"))
                                    .split(body()).log("nested").end()
                                .endChoice()
                                .when(simple("${body} == 'y'"))
                                    .log("y")
                                    .split(body()).log("nested2").end()
                                .endChoice()
                                .otherwise()
                                    .split(body()).log("nested3").end()
                            .end()
                        .end()
                        .split(body()).log("second").end();
            }
        });
        List<SplitDefinition> splits = new ArrayList<>();
        collect(context.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinition("batch"), splits);

        assertThat(splits).extracting(IterationNodes::token)
                .as("a choice lists the outputs of all its clauses as its own")
                .containsExactly("batch/items", "batch@1.0.0", "batch@1.0.2", "batch@1.0.3", "batch@2");
        assertThat(IterationNodes.tokensAround(splits.get(2).getOutputs().get(0)))
                .containsExactly("batch/items", "batch@1.0.2");
        context.close();
    }

    private static void collect(NamedNode node, List<SplitDefinition> splits) {
        if (node instanceof SplitDefinition split) {
            splits.add(split);
        }
        if (node instanceof ProcessorDefinition<?> processor) {
            processor.getOutputs().forEach(output -> collect(output, splits));
        }
    }
}
