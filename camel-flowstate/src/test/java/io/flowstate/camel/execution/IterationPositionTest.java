package io.flowstate.camel.execution;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One encoding of a place inside split/loop/multicast nodes, for step keys, change records and inner-run places. */
class IterationPositionTest {

    private final Exchange exchange = new DefaultExchange(new DefaultCamelContext());

    @Test
    void outsideAnyIterationEveryEncodingIsEmptyAndAStepKeyMarksItsNodesUnknown() {
        IterationPosition outside = IterationPosition.of(exchange);
        assertThat(outside.indexes()).isEmpty();
        assertThat(outside.place()).isEmpty();
        assertThat(outside.indexesOf(List.of("r@1"))).isEqualTo("[?]");
    }

    @Test
    void nestedNodesAreListedOutermostFirst() {
        IterationPosition.enter(exchange, "r@1", 2);
        IterationPosition.enter(exchange, "r@1.0", 0);

        IterationPosition position = IterationPosition.of(exchange);
        assertThat(position.indexes()).isEqualTo("[2][0]");
        assertThat(position.indexesOf(List.of("r@1", "r@1.0"))).isEqualTo("[2][0]");
        assertThat(position.indexesOf(List.of("r@1.0"))).isEqualTo("[0]");
        assertThat(position.place()).isEqualTo("r@1=2,r@1.0=0");
    }

    @Test
    void aNewIterationOfAnOuterNodeLeavesTheNodesNestedInIt() {
        IterationPosition.enter(exchange, "r@1", 0);
        IterationPosition.enter(exchange, "r@1.0", 3);
        IterationPosition.enter(exchange, "r@1", 1);

        assertThat(IterationPosition.of(exchange).place()).isEqualTo("r@1=1");
    }

    @Test
    void aChangeReplacesThePropertyAndLeavesTheOneACopySharesAsItWas() {
        IterationPosition.enter(exchange, "r@1", 0);
        IterationPosition shared = IterationPosition.of(exchange);
        IterationPosition.enter(exchange, "r@1", 0);
        assertThat(IterationPosition.of(exchange)).as("unchanged: the same object").isSameAs(shared);

        IterationPosition.enter(exchange, "r@1", 1);

        assertThat(shared.place()).isEqualTo("r@1=0");
        assertThat(IterationPosition.of(exchange).place()).isEqualTo("r@1=1");
    }
}
