package io.flowstate.camel.trigger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import io.flowstate.camel.state.AlwaysContendedRepository;
import io.flowstate.camel.state.ConflictRetries;
import io.flowstate.camel.state.ContendedKeyException;
import io.flowstate.camel.state.JsonValues;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * flowstate:changes options are checked when the route starts; concurrent immediate commits give every item out once;
 * concurrent onCompletion commits merge instead of losing what the other stored.
 */
class ChangeWatchTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(org.apache.camel.spi.Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void badOptionsFailTheRouteNamingThem() {
        assertThatThrownBy(() -> context.addRoutes(route("flowstate:changes:seen?mode=everything")))
                .rootCause().hasMessageContaining("mode must be new or newOrChanged, was 'everything'");
        assertThatThrownBy(() -> context.addRoutes(route("flowstate:changes:seen?commit=later")))
                .rootCause().hasMessageContaining("commit must be onCompletion or immediate, was 'later'");
        assertThatThrownBy(() -> context.addRoutes(route("flowstate:changes:seen?idPath=a..b")))
                .rootCause().hasMessageContaining("The idPath 'a..b' is not a dotted field path");
    }

    @Test
    void concurrentImmediatePollsOfTheSameSourceGiveEveryItemOutExactlyOnce() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:poll").routeId("watch").to("flowstate:changes:seen?commit=immediate");
            }
        });
        int pollers = 8;
        List<String> source = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            source.add("item-" + i);
        }
        ExecutorService pool = Executors.newFixedThreadPool(pollers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<?>>> results = new ArrayList<>();
        try {
            for (int p = 0; p < pollers; p++) {
                List<String> view = source;
                results.add(pool.submit(() -> {
                    go.await();
                    return template.requestBody("direct:poll", view, List.class);
                }));
            }
            go.countDown();
            List<Object> given = new ArrayList<>();
            for (Future<List<?>> result : results) {
                given.addAll(result.get());
            }
            assertThat(given).doesNotHaveDuplicates();
            assertThat(given).hasSize(source.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCommitThatMeetsAConcurrentOneKeepsWhatTheOtherAdded() {
        Watermark base = watermark("a");
        Watermark ours = watermark("a", "b");
        Watermark theirs = watermark("a", "c");

        Watermark merged = ours.mergedWith(base, theirs);

        assertThat(merged.entries().keySet()).containsExactly("\"a\"", "\"b\"", "\"c\"");
    }

    @Test
    void anImmediateCommitToAContendedWatermarkGivesUpAfterTheBoundAndGivesNothingOut() {
        AlwaysContendedRepository contended = new AlwaysContendedRepository();
        contended.contend("seen");
        AtomicInteger conflicts = new AtomicInteger();
        ChangeWatch watch = new ChangeWatch(new JsonValues(), () -> contended, conflicts::incrementAndGet);
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(List.of("a", "b"));

        assertThatThrownBy(() -> watch.poll(exchange, "feed", "seen", ChangeWatch.Options.of(null, null, ChangeWatch.Commit.IMMEDIATE, false)))
                .isInstanceOf(ContendedKeyException.class)
                .hasMessageContaining("persistent key 'seen' of flow 'feed'")
                .hasMessageContaining("after " + ConflictRetries.MAX_ATTEMPTS + " attempts");
        assertThat(contended.conflicts()).isEqualTo(ConflictRetries.MAX_ATTEMPTS);
        assertThat(conflicts).as("each conflict is told (metrics count them)").hasValue(ConflictRetries.MAX_ATTEMPTS);
        assertThat(contended.getValue("feed", "seen")).isEmpty();
    }

    private static Watermark watermark(String... ids) {
        Map<String, Watermark.Entry> entries = new java.util.LinkedHashMap<>();
        JsonValues json = new JsonValues();
        for (String id : ids) {
            entries.put(Canonical.key(json.toJson("id", id)),
                    new Watermark.Entry(json.toJson("id", id), Canonical.hash(json.toJson("id", id))));
        }
        return new Watermark(Collections.unmodifiableMap(entries));
    }

    private static RouteBuilder route(String uri) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:x" + uri.hashCode()).to(uri);
            }
        };
    }
}
