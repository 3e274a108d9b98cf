package io.flowstate.camel.aggregate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import io.flowstate.camel.FlowStateException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the rules of {@link OrderedResultsAggregationStrategy} beyond the plain cases: results really arrive out of
 * order and are put back in order; nested split and multicast each order by their own index; an empty split gives an
 * empty list; timed-out branches leave null; lost results fail instead of giving a shorter list; the EIP keeps the
 * headers it started with and leaves nothing of the strategy on the exchange.
 */
class OrderedResultsAggregationStrategyTest extends CamelTestSupport {

    /** Records the index of each result in the order Camel hands them over. */
    static final class RecordingStrategy extends OrderedResultsAggregationStrategy {
        final List<Integer> arrivals = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Exchange aggregate(Exchange oldExchange, Exchange newExchange, Exchange inputExchange) {
            arrivals.add(newExchange.getProperty(Exchange.SPLIT_INDEX, Integer.class));
            return super.aggregate(oldExchange, newExchange, inputExchange);
        }
    }

    private final RecordingStrategy recording = new RecordingStrategy();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:recorded")
                        .split(body(), recording).parallelProcessing().streaming()
                            .delay(body())
                        .end();

                from("direct:splitInMulticast")
                        .multicast(new OrderedResultsAggregationStrategy()).parallelProcessing().streaming()
                            .to("direct:letters", "direct:digits")
                        .end();
                from("direct:letters")
                        .setBody(constant(List.of("a", "b", "c")))
                        .split(body(), new OrderedResultsAggregationStrategy()).parallelProcessing().streaming()
                            .setBody(simple("${body.toUpperCase()}"))
                        .end();
                from("direct:digits")
                        .delay(100)
                        .setBody(constant(List.of(1, 2)))
                        .split(body(), new OrderedResultsAggregationStrategy()).streaming()
                            .setBody(simple("${body}0"))
                        .end();

                from("direct:multicastInSplit")
                        .split(body(), new OrderedResultsAggregationStrategy()).parallelProcessing().streaming()
                            .multicast(new OrderedResultsAggregationStrategy()).parallelProcessing().streaming()
                                .to("direct:twice", "direct:thrice")
                            .end()
                        .end();
                from("direct:twice").delay(simple("${body}")).setBody(simple("${body}x2"));
                from("direct:thrice").setBody(simple("${body}x3"));

                from("direct:empty")
                        .split(body(), new OrderedResultsAggregationStrategy())
                            .to("mock:never")
                        .end();

                from("direct:timeout")
                        .multicast(new OrderedResultsAggregationStrategy()).parallelProcessing().timeout(250)
                            .to("direct:fastBranch", "direct:stuck", "direct:fastBranch")
                        .end();
                from("direct:fastBranch").setBody(constant("done"));
                from("direct:stuck").delay(2000).setBody(constant("late"));

                from("direct:headers")
                        .setHeader("before", constant("kept"))
                        .multicast(new OrderedResultsAggregationStrategy()).parallelProcessing()
                            .to("direct:setsHeader", "direct:fastBranch")
                        .end();
                from("direct:setsHeader").setHeader("branch", constant("leaked")).setBody(constant("headers"));
            }
        };
    }

    @Test
    void resultsArriveOutOfOrderAndAreCollectedInOrder() {
        List<Integer> delays = List.of(200, 150, 100, 50, 0);

        Object reply = template.requestBody("direct:recorded", delays);

        assertThat(reply).isEqualTo(delays);
        assertThat(recording.arrivals).as("Camel handed them over as they finished")
                .containsExactlyInAnyOrder(0, 1, 2, 3, 4)
                .isNotEqualTo(List.of(0, 1, 2, 3, 4));
    }

    @Test
    void aSplitInsideAMulticastBranchOrdersByItsOwnIndex() {
        assertThat(template.requestBody("direct:splitInMulticast", "go"))
                .isEqualTo(List.of(List.of("A", "B", "C"), List.of("10", "20")));
    }

    @Test
    void aMulticastInsideASplitItemOrdersByItsOwnIndex() {
        assertThat(template.requestBody("direct:multicastInSplit", List.of(90, 10, 50)))
                .isEqualTo(List.of(List.of("90x2", "90x3"), List.of("10x2", "10x3"), List.of("50x2", "50x3")));
    }

    @Test
    void anEmptySplitGivesAnEmptyList() {
        assertThat(template.requestBody("direct:empty", List.of())).isEqualTo(List.of());
    }

    @Test
    void aBranchThatTimesOutLeavesNullInItsPlace() {
        assertThat(template.requestBody("direct:timeout", "go")).isEqualTo(java.util.Arrays.asList("done", null, "done"));
    }

    @Test
    void theEipKeepsItsInputHeadersAndNothingOfTheStrategy() {
        Exchange reply = template.request("direct:headers", e -> e.getMessage().setBody("go"));

        assertThat(reply.getMessage().getBody()).isEqualTo(List.of("headers", "done"));
        assertThat(reply.getMessage().getHeader("before")).isEqualTo("kept");
        assertThat(reply.getMessage().getHeader("branch")).isNull();
        assertThat(reply.getProperty(OrderedResultsAggregationStrategy.COLLECTED)).isNull();
    }

    @Test
    void lostResultsFailInsteadOfGivingAShorterList() {
        // what parallelAggregate can do: two results both aggregated onto "no result yet", one of them then dropped
        OrderedResultsAggregationStrategy strategy = new OrderedResultsAggregationStrategy();
        Exchange input = new DefaultExchange(context);
        List<Exchange> items = IntStream.range(0, 3).mapToObj(i -> item(i, i == 2)).toList();

        strategy.aggregate(null, items.get(0), input); // lost
        Exchange kept = strategy.aggregate(null, items.get(1), input);
        kept = strategy.aggregate(kept, items.get(2), input);
        strategy.onCompletion(kept, input);

        assertThat(kept.getException())
                .isInstanceOf(FlowStateException.class)
                .hasMessageContaining("received 2 results of the split with some missing")
                .hasMessageContaining("parallelAggregate");
    }

    @Test
    void usedOutsideSplitAndMulticastItSaysSo() {
        OrderedResultsAggregationStrategy strategy = new OrderedResultsAggregationStrategy();
        Exchange input = new DefaultExchange(context);

        Exchange result = strategy.aggregate(null, new DefaultExchange(context), input);
        strategy.onCompletion(result, input);

        assertThat(result.getException())
                .isInstanceOf(FlowStateException.class)
                .hasMessageContaining("only as the aggregationStrategy of those EIPs");
    }

    private Exchange item(int index, boolean last) {
        Exchange item = new DefaultExchange(context);
        item.setProperty(Exchange.SPLIT_INDEX, index);
        item.setProperty(Exchange.SPLIT_COMPLETE, last);
        item.getMessage().setBody("item-" + index);
        return item;
    }
}
