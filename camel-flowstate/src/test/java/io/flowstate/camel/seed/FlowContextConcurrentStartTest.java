package io.flowstate.camel.seed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.execution.FlowContextBusyException;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Of several runs of one context started at the same moment exactly one starts; the others fail with
 * FlowContextBusyException naming the context and the run that holds it (RUNNING), and start nothing. The winner is
 * held inside its route until every other start has failed, so the race is decided by the compare-and-set alone.
 */
class FlowContextConcurrentStartTest extends CamelTestSupport {

    private static final int CALLERS = 6;

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger entered = new AtomicInteger();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void exactlyOneOfConcurrentStartsOfAContextWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger failed = new AtomicInteger();
        List<Future<Exchange>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < CALLERS; i++) {
                calls.add(pool.submit(() -> {
                    go.await();
                    Exchange out = template.request("direct:hold",
                            e -> e.getMessage().setHeader(FlowStateConstants.CONTEXT_ID, "shared"));
                    if (out.getException() != null) {
                        failed.incrementAndGet();
                    }
                    return out;
                }));
            }
            go.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> failed.get() == CALLERS - 1);
            release.countDown();
            int won = 0;
            for (Future<Exchange> call : calls) {
                Exchange out = call.get(30, TimeUnit.SECONDS);
                if (out.getException() == null) {
                    won++;
                } else {
                    assertThat(out.getException()).isInstanceOf(FlowContextBusyException.class)
                            .hasMessageContaining("Context 'shared' is in use by run ");
                }
            }
            assertThat(won).isEqualTo(1);
            assertThat(entered.get()).isEqualTo(1);
            Object count = context.getComponent("flowstate", io.flowstate.camel.FlowStateComponent.class)
                    .getExecutions().contexts().state("shared").get("count");
            assertThat(((Number) count).intValue()).isEqualTo(1);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:hold").routeId("hold")
                        .to("flowstate:start")
                        .process(e -> {
                            entered.incrementAndGet();
                            release.await(30, TimeUnit.SECONDS);
                        })
                        .to("flowstate:increment:count");
            }
        };
    }
}
