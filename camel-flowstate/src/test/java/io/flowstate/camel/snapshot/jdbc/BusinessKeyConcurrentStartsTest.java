package io.flowstate.camel.snapshot.jdbc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.DuplicateBusinessKeyException;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 50 starts of one business key at the same moment give exactly one run: on two CamelContexts ("nodes") sharing one
 * PostgreSQL (the unique index decides), and on the file repository from threads of one process (the compare-and-set
 * on its claims decides). Every other start fails with DuplicateBusinessKeyException naming the one run, and stores
 * nothing.
 */
class BusinessKeyConcurrentStartsTest {

    private static final int CALLERS = 50;

    @TempDir
    Path dir;

    private final List<CamelContext> nodes = new ArrayList<>();
    private HikariDataSource pool;

    @AfterEach
    void stop() {
        nodes.forEach(CamelContext::stop);
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void fiftyStartsOnTwoNodesSharingPostgresqlGiveExactlyOneRun() throws Exception {
        JdbcTestDatabase database = JdbcTestDatabase.postgres();
        String prefix = database.freshTables();
        pool = database.pool(20, true);
        for (int i = 0; i < 2; i++) {
            JdbcFlowSnapshotRepository repository = new JdbcFlowSnapshotRepository(pool);
            repository.setTablePrefix(prefix);
            nodes.add(node(repository));
        }

        assertExactlyOneRun(raceStarts());
    }

    @Test
    void fiftyStartsFromThreadsOnTheFileRepositoryGiveExactlyOneRun() throws Exception {
        nodes.add(node(new FileFlowSnapshotRepository(dir.resolve("data").toString())));

        assertExactlyOneRun(raceStarts());
    }

    private CamelContext node(FlowSnapshotRepository repository) throws Exception {
        CamelContext context = new DefaultCamelContext();
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        component.setRepository(repository);
        component.setWorkDirectory(dir.resolve("work-" + nodes.size()).toString());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:order").routeId("order")
                        .to("flowstate:start?businessKey=${header.orderId}")
                        .to("flowstate:suspend:approval");
            }
        });
        context.start();
        return context;
    }

    /** Every caller released at once, alternating between the nodes; their replies. */
    private List<Exchange> raceStarts() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        CountDownLatch ready = new CountDownLatch(CALLERS);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Exchange>> calls = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                ProducerTemplate template = nodes.get(i % nodes.size()).createProducerTemplate();
                calls.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return template.request("direct:order", e -> e.getMessage().setHeader("orderId", "order-42"));
                }));
            }
            assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<Exchange> replies = new ArrayList<>();
            for (Future<Exchange> call : calls) {
                replies.add(call.get(2, TimeUnit.MINUTES));
            }
            return replies;
        } finally {
            pool.shutdownNow();
        }
    }

    private void assertExactlyOneRun(List<Exchange> replies) {
        List<Exchange> won = replies.stream().filter(e -> e.getException() == null).toList();
        assertThat(won).hasSize(1);
        String winner = (String) won.get(0).getMessage().getBody(Map.class).get("executionId");
        assertThat(replies).filteredOn(e -> e.getException() != null).hasSize(CALLERS - 1)
                .allSatisfy(e -> assertThat(e.getException()).isInstanceOf(DuplicateBusinessKeyException.class)
                        .hasMessageContaining("run " + winner));
        FlowSnapshotRepository repository = nodes.get(0).getComponent("flowstate", FlowStateComponent.class)
                .getRepository();
        assertThat(repository.find(FlowSnapshotQuery.builder().build()).items())
                .extracting(FlowSnapshotSummary::executionId).containsExactly(winner);
    }
}
