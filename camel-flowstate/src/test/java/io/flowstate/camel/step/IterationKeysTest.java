package io.flowstate.camel.step;

import java.util.List;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inside nested splits a step's result and what flowstate:changes gave are recorded under keys with the index of every
 * split around them, outermost first: {@code item[1][0]}, {@code changes:seen[1][0]}.
 */
class IterationKeysTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void aStepInNestedSplitsIsKeyedByEveryIndexOutermostFirst() {
        FlowSnapshot run = run("direct:steps", List.of(List.of("a", "b"), List.of("c")));

        assertThat(run.completedSteps()).containsExactlyInAnyOrder("item[0][0]", "item[0][1]", "item[1][0]");
        assertThat(run.results().get("item[1][0]").asText()).isEqualTo("c!");
    }

    @Test
    void whatChangesGaveInNestedSplitsIsRecordedUnderEveryIndexOutermostFirst() {
        FlowSnapshot run = run("direct:changes", List.of(List.of(List.of("a")), List.of(List.of("b"), List.of("c"))));

        assertThat(run.results().get("changes:seen[0][0]").get(0).asText()).isEqualTo("a");
        assertThat(run.results().get("changes:seen[1][0]").get(0).asText()).isEqualTo("b");
        assertThat(run.results().get("changes:seen[1][1]").get(0).asText()).isEqualTo("c");
        assertThat(run.results().has("changes:seen[0][1]")).isFalse();
    }

    private FlowSnapshot run(String uri, Object body) {
        Exchange out = template.request(uri, e -> e.getMessage().setBody(body));
        assertThat(out.getException()).isNull();
        return repository.load(out.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class)).orElseThrow();
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:steps").routeId("steps")
                        .to("flowstate:start")
                        .split(body())
                            .split(body())
                                .step("item").setBody(simple("${body}!")).end()
                            .end()
                        .end();
                from("direct:changes").routeId("changes")
                        .to("flowstate:start")
                        .to("flowstate:snapshot")
                        .split(body())
                            .split(body())
                                .to("flowstate:changes:seen")
                            .end()
                        .end();
            }
        };
    }
}
