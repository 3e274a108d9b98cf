package io.flowstate.camel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.jdbc.DurablePostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Readiness {@code flowstate-repository} through a PostgreSQL outage, as an application on a connection pool lives
 * it: the server stops (DOWN, with the driver's reason), starts again on the same data and port (UP, the pool
 * reconnects by itself), and a run suspended before the outage is resumed and completes.
 */
class FlowStatePostgresHealthTest {

    /** How long the pool waits for a connection: bounds each readiness call while the server is down. */
    private static final long CONNECTION_TIMEOUT_MILLIS = 1000;

    @TempDir
    Path dir;

    private EmbeddedPostgres postgres;
    private HikariDataSource pool;
    private CamelContext context;

    @AfterEach
    void stop() throws Exception {
        if (context != null) {
            context.stop();
        }
        if (pool != null) {
            pool.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void readinessIsDownWhileTheDatabaseIsStoppedAndUpAgainOnceItStartsAndTheRunsGoOn() throws Exception {
        postgres = DurablePostgres.start(dir.resolve("pg"), 0);
        int port = postgres.getPort();
        pool = pool(postgres.getJdbcUrl("postgres", "postgres"));
        startCamel();
        ProducerTemplate template = context.createProducerTemplate();
        assertThat(readiness().getState()).isEqualTo(HealthCheck.State.UP);
        Exchange suspended = template.request("direct:order", e -> e.getMessage().setBody("order-1"));
        assertThat(suspended.getException()).isNull();
        Map<?, ?> reply = suspended.getMessage().getBody(Map.class);

        postgres.close();
        postgres = null;

        // calls during the shutdown may meet a connection the server terminates (also DOWN, with that reason);
        // once it is gone the pool cannot connect, and the driver's refusal must show under the pool's timeout
        String refused = "Connection to localhost:" + port + " refused";
        HealthCheck.Result down = await().atMost(Duration.ofSeconds(30)).until(this::readiness,
                r -> r.getState() == HealthCheck.State.DOWN && r.getMessage().orElse("").contains(refused));
        assertThat(down.getError()).isPresent();
        assertThat(down.getMessage()).get().asString()
                .startsWith("The flowstate repository at jdbc:postgresql://localhost:" + port + "/postgres")
                .contains("does not accept a write")
                .contains(down.getError().get().getMessage());
        assertThat(down.getDetails()).containsEntry("repository", "JdbcFlowSnapshotRepository");

        postgres = DurablePostgres.start(dir.resolve("pg"), port);

        await().atMost(Duration.ofSeconds(30)).until(() -> readiness().getState() == HealthCheck.State.UP);
        Exchange resumed = template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, reply.get("executionId"));
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, reply.get("resumeToken"));
            e.getMessage().setBody("approved");
        });
        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo("shipped valid order-1 (approved)");
        String executionId = (String) reply.get("executionId");
        assertThat(context.getComponent("flowstate", FlowStateComponent.class).getRepository().load(executionId))
                .get().extracting(run -> run.status()).isEqualTo(FlowStatus.COMPLETED);
    }

    private void startCamel() throws Exception {
        context = new DefaultCamelContext();
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        component.setDataSource(pool);
        component.setWorkDirectory(dir.resolve("work").toString());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:resume").to("flowstate:resume");
                from("direct:order").routeId("order")
                        .to("flowstate:start")
                        .step("validate").setBody(simple("valid ${body}")).end()
                        .to("flowstate:set:order")
                        .to("flowstate:suspend:approval")
                        .setHeader("approval", body())
                        .to("flowstate:get:order")
                        .step("ship").setBody(simple("shipped ${body} (${header.approval})")).end();
            }
        });
        context.start();
    }

    private static HikariDataSource pool(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        return new HikariDataSource(config);
    }

    private HealthCheck.Result readiness() {
        return FlowStateHealthCheckTest.result(context, HealthCheck.Kind.READINESS, FlowStateRepositoryHealthCheck.ID);
    }
}
