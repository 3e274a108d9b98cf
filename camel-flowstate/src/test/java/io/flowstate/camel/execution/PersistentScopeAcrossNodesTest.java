package io.flowstate.camel.execution;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

/**
 * Two CamelContexts ("nodes"), each with its own JDBC repository on one shared database, increment and append to the
 * same persistent keys concurrently: no update is lost, and each node sees the other's writes.
 */
class PersistentScopeAcrossNodesTest {

    private static final int THREADS_PER_NODE = 4;
    private static final int CALLS_PER_THREAD = 150;

    @TempDir
    Path dir;

    @Test
    void concurrentIncrementsFromTwoContextsOnOneDatabaseAddUpExactly() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("shared") + ";WRITE_DELAY=0;AUTO_SERVER=FALSE";
        CamelContext nodeA = node("nodeA", url);
        CamelContext nodeB = node("nodeB", url);
        ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_NODE);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> calls = new ArrayList<>();
            for (CamelContext node : List.of(nodeA, nodeB)) {
                ProducerTemplate template = node.createProducerTemplate();
                for (int t = 0; t < THREADS_PER_NODE; t++) {
                    String item = node.getName() + "-" + t;
                    calls.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < CALLS_PER_THREAD; i++) {
                            template.requestBody("direct:count", item + "-" + i);
                        }
                        return null;
                    }));
                }
            }
            go.countDown();
            for (Future<?> call : calls) {
                call.get();
            }
            int total = 2 * THREADS_PER_NODE * CALLS_PER_THREAD;
            assertThat(nodeB.createProducerTemplate().requestBody("direct:read", "x")).asInstanceOf(LIST)
                    .containsExactly((long) total, (long) total);
            assertThat(nodeA.createProducerTemplate().requestBody("direct:read", "x")).asInstanceOf(LIST)
                    .containsExactly((long) total, (long) total);
        } finally {
            pool.shutdownNow();
            nodeA.stop();
            nodeB.stop();
        }
    }

    private static CamelContext node(String name, String url) throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(url);
        dataSource.setUser("sa");
        CamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName(name);
        context.getComponent("flowstate", FlowStateComponent.class)
                .setRepository(new JdbcFlowSnapshotRepository(dataSource));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:count")
                        .to("flowstate:start:orders")
                        .to("flowstate:append:seen?scope=persistent")
                        .to("flowstate:increment:count?scope=persistent");
                from("direct:read")
                        .to("flowstate:start:orders")
                        .to("flowstate:get:seen?scope=persistent")
                        .setHeader("seen", simple("${body.size}"))
                        .to("flowstate:get:count?scope=persistent")
                        .setBody(e -> List.of(e.getMessage().getBody(Long.class), e.getMessage().getHeader("seen", Long.class)));
            }
        });
        context.start();
        return context;
    }
}
