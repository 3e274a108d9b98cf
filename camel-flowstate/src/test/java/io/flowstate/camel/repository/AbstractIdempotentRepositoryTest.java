package io.flowstate.camel.repository;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;

import io.flowstate.camel.snapshot.FlowSnapshotTooLargeException;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link FlowStateIdempotentRepository} on one kind of store (the subclass's), through Camel's
 * {@code idempotentConsumer} in real routes (eager and not) and through the bean's methods.
 */
abstract class AbstractIdempotentRepositoryTest extends AbstractRepositoryBeanTest {

    private FlowStateIdempotentRepository eager;
    private FlowStateIdempotentRepository lazy;

    @Override
    protected int maxValueSize() {
        return 1024; // so that a long key's entry is a write the store refuses
    }

    @Override
    protected RoutesBuilder routes() {
        eager = new FlowStateIdempotentRepository();
        eager.setNamespace("eager");
        eager.setClock(clock);
        lazy = new FlowStateIdempotentRepository();
        lazy.setNamespace("lazy");
        lazy.setClock(clock);
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:eager").idempotentConsumer(header("orderId")).idempotentRepository(eager)
                        .process(AbstractIdempotentRepositoryTest::failWhenAsked).to("mock:eager");
                from("direct:lazy").idempotentConsumer(header("orderId")).idempotentRepository(lazy).eager(false)
                        .process(AbstractIdempotentRepositoryTest::failWhenAsked).to("mock:lazy");
            }
        };
    }

    private static void failWhenAsked(Exchange exchange) {
        if (exchange.getMessage().getHeader("fail", false, Boolean.class)) {
            throw new IllegalStateException("downstream failed");
        }
    }

    @Test
    void eagerConsumerLetsEachKeyThroughOnceAndAgainAfterAFailure() throws Exception {
        MockEndpoint out = context.getEndpoint("mock:eager", MockEndpoint.class);
        send("direct:eager", "o-1", false);
        send("direct:eager", "o-1", false);
        send("direct:eager", "o 2/with slash", false);
        assertThat(send("direct:eager", "o-3", true).getException()).hasMessage("downstream failed");
        send("direct:eager", "o-3", false);

        assertThat(out.getReceivedExchanges()).extracting(e -> e.getMessage().getHeader("orderId"))
                .containsExactly("o-1", "o 2/with slash", "o-3");
        assertThat(eager.contains("o-1")).isTrue();
        assertThat(eager.contains("o 2/with slash")).isTrue();
    }

    @Test
    void nonEagerConsumerStoresTheKeyOnlyWhenTheExchangeCompletes() throws Exception {
        MockEndpoint out = context.getEndpoint("mock:lazy", MockEndpoint.class);
        assertThat(send("direct:lazy", "o-1", true).getException()).isNotNull();
        assertThat(lazy.contains("o-1")).isFalse();
        send("direct:lazy", "o-1", false);
        send("direct:lazy", "o-1", false);

        assertThat(out.getReceivedExchanges()).hasSize(1);
        assertThat(lazy.contains("o-1")).isTrue();
        assertThat(eager.contains("o-1")).as("another namespace").isFalse();
    }

    @Test
    void addContainsRemoveConfirmAndClear() {
        FlowStateIdempotentRepository repo = bean(context, new FlowStateIdempotentRepository(), "methods");

        assertThat(repo.add("a")).isTrue();
        assertThat(repo.add("a")).isFalse();
        assertThat(repo.confirm("a")).isTrue();
        assertThat(repo.add("é/ü b")).isTrue();
        assertThat(repo.contains("é/ü b")).isTrue();
        assertThat(repo.contains("é/ü")).isFalse();
        assertThat(repo.remove("a")).isTrue();
        assertThat(repo.remove("a")).isFalse();
        assertThat(repo.contains("a")).isFalse();
        assertThat(repo.add("a")).isTrue();

        repo.clear();

        assertThat(repo.contains("a")).isFalse();
        assertThat(repo.contains("é/ü b")).isFalse();
        assertThat(store.getValues("flowstate:idempotent:methods")).isEmpty();
    }

    @Test
    void aKeyExpiresAfterTtlAndThePurgeRemovesIt() {
        FlowStateIdempotentRepository repo = new FlowStateIdempotentRepository();
        repo.setTtl(Duration.ofHours(1));
        bean(context, repo, "expiring");
        assertThat(repo.add("a")).isTrue();

        clock.advance(Duration.ofMinutes(59));
        assertThat(repo.add("a")).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(repo.contains("a")).isFalse();
        assertThat(repo.add("a")).as("an expired key is added again").isTrue();
        assertThat(repo.add("a")).isFalse();

        clock.advance(Duration.ofHours(1));
        // the component's own maintenance pass, on the same clock, may have purged it first
        assertThat(store.purgeExpiredValues(clock.instant())).isBetween(0, 1);
        assertThat(store.getValues("flowstate:idempotent:expiring")).isEmpty();
    }

    @Test
    void aFailedWriteLeavesTheKeyAbsent() {
        FlowStateIdempotentRepository repo = bean(context, new FlowStateIdempotentRepository(), "failing");
        String tooLargeToStore = "é".repeat(RepositoryKeys.MAX_LENGTH);

        assertThatThrownBy(() -> repo.add(tooLargeToStore)).isInstanceOf(FlowSnapshotTooLargeException.class);
        assertThat(repo.contains(tooLargeToStore)).isFalse();
        assertThatThrownBy(() -> repo.add(tooLargeToStore)).as("tried again, not taken for a duplicate")
                .isInstanceOf(FlowSnapshotTooLargeException.class);
        assertThat(store.getValues("flowstate:idempotent:failing")).isEmpty();
    }

    @Test
    void badKeysAreRefusedNamingTheRuleAndNothingIsStored() {
        FlowStateIdempotentRepository repo = bean(context, new FlowStateIdempotentRepository(), "bad");
        repo.add("kept");

        assertThatThrownBy(() -> repo.add("k".repeat(RepositoryKeys.MAX_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is 1001 characters long: at most 1000 are allowed");
        assertThatThrownBy(() -> repo.add("line\nforged"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'line\\u000aforged' holds the control character \\u000a at index 4");
        assertThatThrownBy(() -> repo.add("")).hasMessageContaining("The idempotent key is missing");
        assertThatThrownBy(() -> repo.contains("nul\u0000")).hasMessageContaining("control character");
        assertThat(store.getValues("flowstate:idempotent:bad")).hasSize(1);
    }

    @Test
    void aBeanWithoutNamespaceOrWithABadOneDoesNotStart() {
        FlowStateIdempotentRepository none = new FlowStateIdempotentRepository();
        none.setCamelContext(context);
        assertThatThrownBy(none::start).hasMessageContaining("needs its namespace property");
        FlowStateIdempotentRepository bad = new FlowStateIdempotentRepository();
        bad.setNamespace("../etc");
        assertThatThrownBy(bad::start).hasMessageContaining("The namespace '../etc' of FlowStateIdempotentRepository"
                                                             + " is not valid");
    }

    @Test
    void concurrentAddsOfOneKeyOnOneNodeGiveExactlyOneTrue() throws Exception {
        FlowStateIdempotentRepository repo = bean(context, new FlowStateIdempotentRepository(), "race");
        for (int round = 0; round < 20; round++) {
            String key = "key-" + round;
            List<Boolean> results = race(8, () -> repo.add(key));
            assertThat(results).filteredOn(Boolean::booleanValue).as("round %d", round).hasSize(1);
        }
    }

    private Exchange send(String uri, String orderId, boolean fail) {
        return template.send(uri, e -> {
            e.getMessage().setHeader("orderId", orderId);
            e.getMessage().setHeader("fail", fail);
        });
    }

    /** Runs {@code task} on {@code threads} threads released together; returns their results. */
    static <T> List<T> race(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return task.call();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
