package io.flowstate.camel.snapshot.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowStatus;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository contract, and an approval flow, through PgBouncer in transaction pooling mode in front of the
 * embedded PostgreSQL: nothing relies on session state or server-side prepared statements. Fails, saying how to install
 * it, where Debian's {@code pgbouncer} package is missing.
 */
class PgBouncerFlowSnapshotRepositoryTest extends AbstractJdbcFlowSnapshotRepositoryTest {

    @Override
    protected JdbcTestDatabase database() {
        return JdbcTestDatabase.throughPgBouncer();
    }

    @Test
    void approvalRunsSuspendAndAreResumedThroughThePooler() throws Exception {
        FlowSnapshotRepository repository = repositoryOn(pool());
        CamelContext context = new DefaultCamelContext();
        context.getComponent("flowstate", FlowStateComponent.class).setRepository(repository);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:order").routeId("approval")
                        .to("flowstate:start:approval")
                        .step("prepare").setHeader(FlowStateConstants.VALUE, body()).to("flowstate:set:order").end()
                        .to("flowstate:suspend:approve")
                        .step("ship").setBody(simple("${body} shipped")).end();
            }
        });
        context.start();
        try {
            ProducerTemplate template = context.createProducerTemplate();
            List<CompletableFuture<String>> runs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String order = "order-" + i;
                runs.add(CompletableFuture.supplyAsync(() -> {
                    Map<?, ?> suspended = template.requestBody("direct:order", order, Map.class);
                    String reply = template.requestBodyAndHeaders("flowstate:resume", order + " approved",
                            Map.of(FlowStateConstants.EXECUTION_ID, suspended.get("executionId"),
                                    FlowStateConstants.RESUME_TOKEN, suspended.get("resumeToken")),
                            String.class);
                    assertThat(reply).isEqualTo(order + " approved shipped");
                    return (String) suspended.get("executionId");
                }));
            }
            for (int i = 0; i < runs.size(); i++) {
                FlowSnapshot run = repository.load(runs.get(i).join()).orElseThrow();
                assertThat(run.status()).isEqualTo(FlowStatus.COMPLETED);
                assertThat(run.state().get("order").textValue()).isEqualTo("order-" + i);
            }
        } finally {
            context.stop();
        }
    }
}
