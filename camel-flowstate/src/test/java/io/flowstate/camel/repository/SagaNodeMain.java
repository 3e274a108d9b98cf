package io.flowstate.camel.repository;

import java.util.concurrent.CountDownLatch;

import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A node of {@link SagaKillTest}, run in its own JVM on the shared PostgreSQL tables: it runs an order saga of three
 * steps that fails, compensates step 3 ("compensated cancel3") and hangs in the compensation of step 2 ("compensating 2")
 * until the test kills the JVM with SIGKILL.
 * <p>
 * Arguments: JDBC URL, user, table prefix, the DSL of the routes (java, yaml or xml).
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
        OrderSagaRoutes.load(context, args[3]);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:cancelled").process(exchange -> {
                    String compensation = exchange.getMessage().getBody(String.class);
                    if (compensation.equals("cancel2")) {
                        System.out.println("compensating 2");
                        new CountDownLatch(1).await(); // hangs until killed, before step 2 is marked compensated
                    }
                    System.out.println("compensated " + compensation);
                });
            }
        });
        context.start();
        context.createProducerTemplate().sendBody("direct:order", "order-1");
    }
}
