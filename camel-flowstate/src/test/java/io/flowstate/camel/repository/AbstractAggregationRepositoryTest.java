package io.flowstate.camel.repository;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.OptimisticLockingAggregationRepository.OptimisticLockingException;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The contract of {@link FlowStateAggregationRepository} on one kind of store (the subclass's): Camel's aggregate EIP
 * with optimistic locking in real routes, recovery of an exchange whose processing failed (redelivered, then to the
 * dead letter endpoint), versions, and exchanges that are not JSON refused with nothing stored changed.
 */
abstract class AbstractAggregationRepositoryTest extends AbstractRepositoryBeanTest {

    private FlowStateAggregationRepository orders;
    private FlowStateAggregationRepository failing;

    /** Joins the bodies with '+'. */
    static final AggregationStrategy JOIN = (oldExchange, newExchange) -> {
        if (oldExchange == null) {
            return newExchange;
        }
        oldExchange.getMessage().setBody(oldExchange.getMessage().getBody(String.class) + "+"
                                         + newExchange.getMessage().getBody(String.class));
        return oldExchange;
    };

    @Override
    protected RoutesBuilder routes() {
        orders = new FlowStateAggregationRepository();
        orders.setNamespace("orders");
        failing = new FlowStateAggregationRepository();
        failing.setNamespace("failing");
        failing.setRecoveryInterval(100);
        failing.setCompletionLease(Duration.ofMillis(100));
        // its recoveries wait for that lease to pass in real time: not the test clock the component runs on
        failing.setClock(Clock.systemUTC());
        failing.setMaximumRedeliveries(2);
        failing.setDeadLetterUri("mock:dead");
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:orders").aggregate(header("group"), JOIN).aggregationRepository(orders)
                        .optimisticLocking().completionSize(3).to("mock:orders");
                from("direct:failing").aggregate(header("group"), JOIN).aggregationRepository(failing)
                        .optimisticLocking().completionSize(2)
                        .to("mock:attempts")
                        .process(e -> {
                            throw new IllegalStateException("downstream is down");
                        });
            }
        };
    }

    @Test
    void theAggregatorCompletesEachGroupOnceAndConfirmsIt() throws Exception {
        MockEndpoint out = context.getEndpoint("mock:orders", MockEndpoint.class);
        for (String part : List.of("a", "b", "c")) {
            for (String group : List.of("g1", "g 2/x")) {
                template.sendBodyAndHeader("direct:orders", part + "@" + group, "group", group);
            }
            if (part.equals("b")) {
                assertThat(orders.getKeys()).containsExactlyInAnyOrder("g1", "g 2/x");
            }
        }

        // the aggregator sends completed groups on from a thread of its own
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(out.getReceivedCounter()).isEqualTo(2));
        assertThat(out.getReceivedExchanges()).extracting(e -> e.getMessage().getBody(String.class))
                .containsExactlyInAnyOrder("a@g1+b@g1+c@g1", "a@g 2/x+b@g 2/x+c@g 2/x");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(store.getValues("flowstate:aggregation:orders")).isEmpty());
    }

    @Test
    void anExchangeThatKeepsFailingIsRecoveredMaximumRedeliveriesTimesThenGoesToTheDeadLetterUri() throws Exception {
        MockEndpoint attempts = context.getEndpoint("mock:attempts", MockEndpoint.class);
        MockEndpoint dead = context.getEndpoint("mock:dead", MockEndpoint.class);
        template.sendBodyAndHeader("direct:failing", "x", "group", "g1");
        template.send("direct:failing", e -> {
            e.getMessage().setBody("y");
            e.getMessage().setHeader("group", "g1");
        });

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(dead.getReceivedCounter()).isEqualTo(1));
        assertThat(attempts.getReceivedCounter()).as("first delivery and 2 recoveries").isEqualTo(3);
        assertThat(dead.getReceivedExchanges().get(0).getMessage().getBody()).isEqualTo("x+y");
        assertThat(dead.getReceivedExchanges().get(0).getMessage().getHeader(Exchange.REDELIVERY_COUNTER))
                .isEqualTo(2);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(store.getValues("flowstate:aggregation:failing")).isEmpty());
    }

    @Test
    void aStaleVersionIsAnOptimisticLockingFailureAndChangesNothing() {
        FlowStateAggregationRepository repo = bean(context, new FlowStateAggregationRepository(), "versions");
        repo.add(context, "k", null, exchange("first"));
        Exchange read = repo.get(context, "k");
        Exchange readToo = repo.get(context, "k");
        repo.add(context, "k", read, exchange("second"));

        assertThatThrownBy(() -> repo.add(context, "k", readToo, exchange("lost")))
                .isInstanceOf(OptimisticLockingException.class);
        assertThatThrownBy(() -> repo.add(context, "k", null, exchange("new group")))
                .isInstanceOf(OptimisticLockingException.class);
        assertThatThrownBy(() -> repo.remove(context, "k", readToo)).isInstanceOf(OptimisticLockingException.class);
        assertThat(repo.get(context, "k").getMessage().getBody()).isEqualTo("second");
    }

    @Test
    void bodiesAndHeadersThatAreNotJsonAreRefusedNamingThemAndNothingStoredChanges() {
        FlowStateAggregationRepository repo = bean(context, new FlowStateAggregationRepository(), "bad");
        repo.add(context, "k", null, exchange(Map.of("id", 1, "lines", List.of("a", "b"))));
        Exchange before = repo.get(context, "k");

        Exchange bytes = exchange(new byte[] { 1 });
        assertThatThrownBy(() -> repo.add(context, "k", before, bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FlowStateAggregationRepository bad stores JSON values only, and the body"
                                      + " is a byte[]")
                .hasMessageContaining("Nothing was stored");
        Exchange header = exchange("ok");
        header.getMessage().setHeader("customer", new StringBuilder("c-1"));
        assertThatThrownBy(() -> repo.add(context, "k", before, header))
                .hasMessageContaining("header 'customer' is a java.lang.StringBuilder");
        Exchange nested = exchange(Map.of("lines", List.of("a", new Object())));
        assertThatThrownBy(() -> repo.add(context, "k", before, nested))
                .hasMessageContaining("the body at .lines[1] is a java.lang.Object");
        assertThatThrownBy(() -> repo.add(context, "k\u0000", null, exchange("x")))
                .hasMessageContaining("The correlation key 'k\\u0000' holds the control character");

        Exchange after = repo.get(context, "k");
        assertThat(after.getMessage().getBody()).isEqualTo(Map.of("id", 1, "lines", List.of("a", "b")));
        assertThat(after.getProperty(FlowStateAggregationRepository.VERSION_PROPERTY))
                .isEqualTo(before.getProperty(FlowStateAggregationRepository.VERSION_PROPERTY));
        assertThat(store.getValues("flowstate:aggregation:bad")).hasSize(1);
    }

    @Test
    void aCompletedExchangeIsScannedOnlyOnceItsLeaseHasPassedAndRecoveredByOneCaller() {
        FlowStateAggregationRepository repo = new FlowStateAggregationRepository();
        repo.setCompletionLease(Duration.ofMinutes(1));
        bean(context, repo, "leases");
        repo.add(context, "k", null, exchange("a"));
        Exchange done = repo.get(context, "k");
        repo.remove(context, "k", done);

        assertThat(repo.getKeys()).isEmpty();
        assertThat(repo.scan(context)).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(repo.scan(context)).containsExactly(done.getExchangeId());
        Exchange recovered = repo.recover(context, done.getExchangeId());
        assertThat(recovered.getExchangeId()).isEqualTo(done.getExchangeId());
        assertThat(recovered.getMessage().getBody()).isEqualTo("a");
        assertThat(repo.recover(context, done.getExchangeId())).as("leased to the first").isNull();
        assertThat(repo.scan(context)).isEmpty();

        assertThat(repo.confirmWithResult(context, done.getExchangeId())).isTrue();
        assertThat(repo.confirmWithResult(context, done.getExchangeId())).isFalse();
        assertThat(store.getValues("flowstate:aggregation:leases")).isEmpty();
    }

    private Exchange exchange(Object body) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(body);
        return exchange;
    }
}
