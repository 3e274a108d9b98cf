package io.flowstate.camel.repository;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.flowstate.camel.snapshot.CompactingRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

/**
 * The contract of {@link FlowStateStateRepository} on one kind of store (the subclass's): a route that polls a source
 * after the offset it keeps in the bean, as an offset-keeping consumer does, across a restart of its CamelContext.
 */
abstract class AbstractStateRepositoryTest extends AbstractRepositoryBeanTest {

    private static final List<String> SOURCE = List.of("a", "b", "c", "d", "e");

    @Override
    protected RoutesBuilder routes() {
        FlowStateStateRepository offsets = new FlowStateStateRepository();
        offsets.setNamespace("orders-consumer");
        return new RouteBuilder() {
            @Override
            public void configure() {
                getContext().getRegistry().bind("offsets", offsets); // as camel.beans.offsets does
                // takes up to two items after the stored offset of partition orders/0, then stores the new offset
                from("direct:poll").process(e -> poll(e, offsets));
            }
        };
    }

    private static void poll(Exchange exchange, FlowStateStateRepository offsets) {
        String stored = offsets.getState("orders/0");
        int from = stored == null ? 0 : Integer.parseInt(stored);
        int to = Math.min(SOURCE.size(), from + 2);
        exchange.getMessage().setBody(SOURCE.subList(from, to));
        offsets.setState("orders/0", String.valueOf(to));
    }

    @Test
    void anOffsetKeptByARouteSurvivesARestartOfItsCamelContext() throws Exception {
        assertThat(template.requestBody("direct:poll", "")).asInstanceOf(LIST).containsExactly("a", "b");
        assertThat(template.requestBody("direct:poll", "")).asInstanceOf(LIST).containsExactly("c", "d");
        context.stop();
        store.stop();

        CompactingRepository restarted = stores.newRepository();
        CamelContext again = node("node-a-restarted", restarted, routes());
        try {
            assertThat(again.createProducerTemplate().requestBody("direct:poll", "")).asInstanceOf(LIST)
                    .containsExactly("e");
        } finally {
            again.stop();
            restarted.stop();
        }
    }

    @Test
    void setGetAndRemoveWithANullValue() {
        FlowStateStateRepository repo = bean(context, new FlowStateStateRepository(), "positions");
        FlowStateStateRepository other = bean(context, new FlowStateStateRepository(), "other");

        assertThat(repo.getState("file:/in/a b.csv")).isNull();
        repo.setState("file:/in/a b.csv", "1024");
        repo.setState("file:/in/a b.csv", "2048");
        repo.setState("plain-key", "");

        assertThat(repo.getState("file:/in/a b.csv")).isEqualTo("2048");
        assertThat(repo.getState("plain-key")).isEmpty();
        assertThat(other.getState("plain-key")).as("another namespace").isNull();
        repo.setState("plain-key", null);
        assertThat(repo.getState("plain-key")).isNull();
        repo.setState("never-set", null);
        assertThat(store.getValues("flowstate:state:positions")).hasSize(1);
    }

    @Test
    void aValueExpiresTtlAfterItsLastSetAndThePurgeRemovesIt() {
        FlowStateStateRepository repo = new FlowStateStateRepository();
        repo.setTtl(Duration.ofDays(30));
        bean(context, repo, "expiring");
        repo.setState("orders/0", "41");
        clock.advance(Duration.ofDays(29));
        repo.setState("orders/0", "42");

        clock.advance(Duration.ofDays(29));
        assertThat(repo.getState("orders/0")).isEqualTo("42");
        clock.advance(Duration.ofDays(1));
        assertThat(repo.getState("orders/0")).isNull();
        // the component's own maintenance pass, on the same clock, may have purged it first
        assertThat(store.purgeExpiredValues(clock.instant())).isBetween(0, 1);
        assertThat(store.getValues("flowstate:state:expiring")).isEmpty();
        assertThatThrownBy(() -> repo.setTtl(Duration.ZERO))
                .hasMessage("The ttl of FlowStateStateRepository must be a positive ISO-8601 duration such as P7D, was PT0S");
    }

    @Test
    void concurrentWritesOfOneKeyLeaveOneOfTheWrittenValues() throws Exception {
        FlowStateStateRepository repo = bean(context, new FlowStateStateRepository(), "race");

        List<String> written = AbstractIdempotentRepositoryTest.race(8, () -> {
            String value = Thread.currentThread().getName();
            repo.setState("offset", value);
            return value;
        });

        Set<String> values = written.stream().collect(Collectors.toSet());
        assertThat(values).contains(repo.getState("offset"));
    }

    @Test
    void badKeysAreRefusedNamingTheRuleAndNothingIsStored() {
        FlowStateStateRepository repo = bean(context, new FlowStateStateRepository(), "bad");
        repo.setState("kept", "1");

        assertThatThrownBy(() -> repo.setState("k".repeat(RepositoryKeys.MAX_LENGTH + 1), "2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("The state key 'kkk").hasMessageContaining("at most 1000 are allowed");
        assertThatThrownBy(() -> repo.setState("tab\tkey", "2"))
                .hasMessageContaining("'tab\\u0009key' holds the control character \\u0009 at index 3");
        assertThatThrownBy(() -> repo.getState(null)).hasMessageContaining("The state key is missing");
        assertThat(store.getValues("flowstate:state:bad")).containsOnlyKeys("kept");
    }
}
