package io.flowstate.camel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copies a parallel split or multicast makes share one run, and {@code append}/{@code increment} lose no update
 * however many copies write at once.
 */
class FlowStateConcurrencyTest extends CamelTestSupport {

    private static final int ITEMS = 5000;

    @Test
    @SuppressWarnings("unchecked")
    void parallelSplitOfThousandsOfItemsLosesNoIncrementAndNoAppend() {
        List<Integer> items = IntStream.range(0, ITEMS).boxed().toList();

        Map<String, Object> state = template.requestBody("direct:parallelSplit", items, Map.class);

        assertThat(state.get("count")).isEqualTo((long) ITEMS);
        assertThat((List<Integer>) state.get("seen")).hasSize(ITEMS).containsExactlyInAnyOrderElementsOf(items);
    }

    @Test
    void parallelMulticastBranchesShareTheRun() {
        Map<?, ?> state = template.requestBody("direct:multicast", "x", Map.class);
        assertThat(state.get("branches")).isEqualTo(3L);
    }

    @Test
    void flowScopeIsSharedByConcurrentRunsWithoutLostIncrements() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Object>> runs = IntStream.range(0, 800)
                    .mapToObj(i -> pool.submit(() -> template.requestBody("direct:flowCounter", "x")))
                    .toList();
            for (Future<Object> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(template.requestBody("direct:flowCounterValue", "x")).isEqualTo(800L);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:parallelSplit")
                        .to("flowstate:start")
                        .split(body()).parallelProcessing()
                            .to("flowstate:append:seen")
                            .to("flowstate:increment:count")
                        .end()
                        .to("flowstate:getAll");
                from("direct:multicast")
                        .to("flowstate:start")
                        .multicast().parallelProcessing()
                            .to("flowstate:increment:branches", "flowstate:increment:branches",
                                    "flowstate:increment:branches")
                        .end()
                        .to("flowstate:getAll");
                from("direct:flowCounter").routeId("counter")
                        .to("flowstate:increment:runs?scope=flow&noWarning=true");
                from("direct:flowCounterValue")
                        .to("flowstate:start:counter")
                        .to("flowstate:get:runs?scope=flow&noWarning=true");
            }
        };
    }
}
