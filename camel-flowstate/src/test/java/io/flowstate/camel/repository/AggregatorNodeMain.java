package io.flowstate.camel.repository;

import java.util.concurrent.CountDownLatch;

import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A node of {@link AggregationKillTest}, run in its own JVM: it aggregates on the shared PostgreSQL tables, adds part A1
 * to every group, then A2 to group g0, which completes it; the completed group's processing then hangs (printing
 * "completing g0") until the test kills the JVM with SIGKILL.
 * <p>
 * Arguments: JDBC URL, user, table prefix, number of groups.
 */
public final class AggregatorNodeMain {

    private AggregatorNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(args[0]);
        pool.setUsername(args[1]);
        JdbcFlowSnapshotRepository repository = new JdbcFlowSnapshotRepository(pool);
        repository.setTablePrefix(args[2]);
        int groups = Integer.parseInt(args[3]);
        CamelContext context = new DefaultCamelContext();
        FlowStateComponent component = new FlowStateComponent();
        component.setRepository(repository);
        context.addComponent("flowstate", component);
        context.addRoutes(AggregationKillTest.aggregator(AggregationKillTest.repository(), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:completed").process(e -> {
                    System.out.println("completing " + e.getMessage().getHeader("group"));
                    new CountDownLatch(1).await(); // hangs until killed: the group is completed, not confirmed
                });
            }
        }));
        context.start();
        ProducerTemplate template = context.createProducerTemplate();
        for (int g = 0; g < groups; g++) {
            template.sendBodyAndHeader("direct:parts", "A1", "group", "g" + g);
        }
        System.out.println("stored A1 of every group");
        template.sendBodyAndHeader("direct:parts", "A2", "group", "g0");
    }
}
