package io.flowstate.camel.repository;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;

import io.flowstate.camel.snapshot.CompactingRepository;
import io.flowstate.camel.snapshot.jdbc.JdbcTestStores;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The idempotent repository's contract on PostgreSQL, and two nodes adding the same keys at once. */
class PostgresIdempotentRepositoryTest extends AbstractIdempotentRepositoryTest {

    @Override
    protected RepositoryStores stores(Path dir) {
        return RepositoryStores.jdbc(JdbcTestStores.postgres());
    }

    @Test
    void concurrentAddsOfOneKeyFromTwoCamelContextsGiveExactlyOneTrue() throws Exception {
        CompactingRepository otherStore = stores.newRepository();
        CamelContext nodeB = node("node-b", otherStore, null);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            FlowStateIdempotentRepository onA = bean(context, new FlowStateIdempotentRepository(), "orders");
            FlowStateIdempotentRepository onB = bean(nodeB, new FlowStateIdempotentRepository(), "orders");
            for (int round = 0; round < 50; round++) {
                String key = "order-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> adds = new ArrayList<>();
                for (FlowStateIdempotentRepository repo : List.of(onA, onB, onA, onB)) {
                    adds.add(pool.submit(() -> {
                        go.await();
                        return repo.add(key);
                    }));
                }
                go.countDown();
                int added = 0;
                for (Future<Boolean> add : adds) {
                    added += add.get(60, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(added).as("adds of %s that returned true", key).isEqualTo(1);
                assertThat(onA.contains(key)).isTrue();
                assertThat(onB.contains(key)).isTrue();
            }
        } finally {
            pool.shutdownNow();
            nodeB.stop();
            otherStore.stop();
        }
    }
}
