package io.flowstate.camel.repository;

import java.util.concurrent.CountDownLatch;

import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A node of {@link SagaKillTest}, run in its own JVM on the shared PostgreSQL tables: it runs an order saga of three
 * steps that fails, compensates step 3 ("compensated 3") and hangs in the compensation of step 2 ("compensating 2")
 * until the test kills the JVM with SIGKILL.
 * <p>
 * Arguments: JDBC URL, user, table prefix.
 */
public final class SagaNodeMain {

    private SagaNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(args[0]);
        pool.setUsername(args[1]);
        JdbcFlowSnapshotRepository repository = new JdbcFlowSnapshotRepository(pool);
        repository.setTablePrefix(args[2]);
        CamelContext context = new DefaultCamelContext();
        FlowStateComponent component = new FlowStateComponent();
        component.setRepository(repository);
        context.addComponent("flowstate", component);
        context.addService(SagaKillTest.sagaService());
        context.addRoutes(SagaKillTest.orderSaga(step -> exchange -> {
            if (step == 2) {
                System.out.println("compensating 2");
                new CountDownLatch(1).await(); // hangs until killed, before step 2 is marked compensated
            }
            System.out.println("compensated " + step);
        }));
        context.start();
        context.createProducerTemplate().sendBody("direct:order", "order-1");
    }
}
