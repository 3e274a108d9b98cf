package io.flowstate.camel.aggregate;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.language.RouteDsl;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guards the collectors: a parallel multicast and a parallel split give their results as a list in branch and item
 * order whatever order they finish in, and a failed branch or item fails the whole; the same in Java, YAML and XML
 * routes (the strategy named by {@code #class:}, by bean name and by {@code #bean:}).
 */
class OrderedResultsDslTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("collector", new OrderedResultsAggregationStrategy());
        registry.bind("repository", repository);
    }

    private void load(RouteDsl dsl) throws Exception {
        dsl.load(context, "aggregate", "collectors", new CollectorJavaDslRoutes());
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aParallelMulticastCollectsInBranchOrder(RouteDsl dsl) throws Exception {
        load(dsl);

        assertThat(template.requestBody("direct:branches", "go")).isEqualTo(List.of("slow", "medium", "fast"));
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aParallelSplitOfFiftyItemsCollectsInItemOrder(RouteDsl dsl) throws Exception {
        load(dsl);
        List<Integer> delays = IntStream.iterate(49, i -> i - 1).limit(50).boxed().toList();

        Object reply = template.requestBody("direct:items", delays);

        assertThat(reply).isEqualTo(delays.stream().map(d -> "item-" + d).collect(Collectors.toList()));
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aFailedBranchFailsTheMulticast(RouteDsl dsl) throws Exception {
        load(dsl);

        assertThatThrownBy(() -> template.requestBody("direct:failingBranches", "go"))
                .isInstanceOf(CamelExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("branch broken failed");
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aFailedItemFailsTheSplit(RouteDsl dsl) throws Exception {
        load(dsl);
        List<Integer> items = IntStream.range(0, 50).boxed().toList();

        assertThatThrownBy(() -> template.requestBody("direct:failingItems", items))
                .isInstanceOf(CamelExecutionException.class)
                .cause().isInstanceOf(IllegalArgumentException.class).hasMessage("item 13 failed");
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aStepAroundTheMulticastOrSplitRecordsTheCollectedList(RouteDsl dsl) throws Exception {
        load(dsl);

        Exchange reply = template.request("direct:collectInSteps", e -> e.getMessage().setBody("go"));

        assertThat(reply.getException()).isNull();
        assertThat(reply.getMessage().getBody()).isEqualTo(Map.of(
                "fanout", List.of("slow", "medium", "fast"),
                "lengths", List.of(4, 6, 4)));
        FlowSnapshot stored = repository.load(reply.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class))
                .orElseThrow();
        assertThat(stored.results().get("fanout").toString()).isEqualTo("[\"slow\",\"medium\",\"fast\"]");
        assertThat(stored.results().get("lengths").toString()).isEqualTo("[4,6,4]");
    }
}
