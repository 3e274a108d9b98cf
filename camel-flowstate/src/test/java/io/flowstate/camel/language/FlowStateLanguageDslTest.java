package io.flowstate.camel.language;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the flowstate language in the constructs users build flows with — choice (branch-one), split (for-loop),
 * loop/doWhile (while-loop), setBody, setHeader — reading state, step results, the run's input and identity, the same in
 * Java, YAML and XML routes.
 */
class FlowStateLanguageDslTest extends CamelTestSupport {

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("repository", new MemoryFlowSnapshotRepository());
        // a step result, recorded through the Java API: results.check = {"amount": <header amount>}
        registry.bind("completeCheck", (Processor) exchange -> {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            result.put("amount", exchange.getMessage().getHeader("amount", 0, Integer.class));
            FlowExecution.of(exchange).results().complete("check", result);
        });
    }

    private void load(RouteDsl dsl) throws Exception {
        dsl.load(context, "language", "flowstate-language", new LanguageJavaDslRoutes());
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void choiceTakesTheFirstBranchWhoseStatePredicateHolds(RouteDsl dsl) throws Exception {
        load(dsl);

        assertThat(template.requestBodyAndHeader("direct:branchOne", 5, "amount", 500)).isEqualTo("many");
        assertThat(template.requestBodyAndHeader("direct:branchOne", 3, "amount", 0)).isEqualTo("many");
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void choiceReadsTheResultOfACompletedStep(RouteDsl dsl) throws Exception {
        load(dsl);

        assertThat(template.requestBodyAndHeader("direct:branchOne", 1, "amount", 150)).isEqualTo("big");
        assertThat(template.requestBodyAndHeader("direct:branchOne", 1, "amount", 100)).isEqualTo("few");
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void splitIteratesOverAListInStateInOrder(RouteDsl dsl) throws Exception {
        load(dsl);

        assertThat(template.requestBody("direct:forLoop", List.of("a", "b", "c"))).isEqualTo(List.of("A", "B", "C"));
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void loopRunsWhileThePredicateHolds(RouteDsl dsl) throws Exception {
        load(dsl);

        assertThat(template.requestBody("direct:whileLoop", 0, Integer.class)).isEqualTo(5);
        assertThat(template.requestBody("direct:whileLoop", 7, Integer.class)).as("checked before the first iteration")
                .isEqualTo(7);
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void setHeaderAndSetBodyReadTheRunsIdentityAndInput(RouteDsl dsl) throws Exception {
        load(dsl);
        Map<String, Object> order = Map.of("customer", "ACME",
                "lines", List.of(Map.of("price", 20), Map.of("price", 22)));

        Exchange reply = template.request("direct:setters", e -> e.getMessage().setBody(order));

        assertThat(reply.getException()).isNull();
        assertThat(reply.getMessage().getHeader("runId"))
                .isNotNull()
                .isEqualTo(reply.getMessage().getHeader(FlowStateConstants.EXECUTION_ID));
        assertThat(reply.getMessage().getHeader("flow")).isEqualTo("orders");
        assertThat(reply.getMessage().getHeader("customer")).isEqualTo("ACME");
        assertThat(reply.getMessage().getBody()).isEqualTo(Map.of("customer", "ACME", "total", 42));
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void expressionsReadTheResultRecordedByAStep(RouteDsl dsl) throws Exception {
        load(dsl);

        assertThat(template.requestBodyAndHeader("direct:steps", "go", "amount", "250")).isEqualTo("approve 250");
        assertThat(template.requestBodyAndHeader("direct:steps", "go", "amount", "40")).isEqualTo("auto");
    }
}
