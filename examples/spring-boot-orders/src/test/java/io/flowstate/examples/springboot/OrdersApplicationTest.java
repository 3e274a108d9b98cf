package io.flowstate.examples.springboot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application as a user runs it, on an H2 file of its own, across a restart: a first run of the application takes
 * orders and is stopped while one waits for approval; this test's application, started afterwards on the same file,
 * approves it and the order completes. Actuator's health and metrics answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class OrdersApplicationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path data;

    /** The order that waits for approval when the first run stops: its run's id and resume token. */
    private static String waitingId;
    private static String waitingToken;

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", OrdersApplicationTest::databaseUrl);
    }

    private static String databaseUrl() {
        return "jdbc:h2:file:" + data.resolve("orders") + ";WRITE_DELAY=0";
    }

    /** Runs before this test's application starts: the first run, stopped while an order waits. */
    @BeforeAll
    static void anOrderWaitsForApprovalWhenTheApplicationStops() throws Exception {
        try (ConfigurableApplicationContext firstRun = new SpringApplicationBuilder(OrdersApplication.class)
                .run("--server.port=0", "--spring.datasource.url=" + databaseUrl())) {
            String base = "http://localhost:" + firstRun.getEnvironment().getProperty("local.server.port");

            HttpResponse<String> small = post(base + "/orders", "{\"id\": \"o-1\", \"amount\": 250}");
            assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
            assertThat(JSON.readTree(small.body()).path("status").asText()).isEqualTo("shipped");

            HttpResponse<String> large = post(base + "/orders", "{\"id\": \"o-2\", \"amount\": 2500}");
            assertThat(large.statusCode()).as(large.body()).isEqualTo(202);
            JsonNode waiting = JSON.readTree(large.body());
            assertThat(waiting.path("waitingFor").asText()).isEqualTo("approval");
            waitingId = waiting.path("executionId").asText();
            waitingToken = waiting.path("resumeToken").asText();
            assertThat(status(base, waitingId)).isEqualTo("SUSPENDED");
        }
    }

    @Test
    void approvalAfterTheRestartCompletesTheOrder() throws Exception {
        String base = "http://localhost:" + port;
        HttpResponse<String> approved = post(base + "/orders/" + waitingId + "/approval?token=" + waitingToken,
                "{\"approved\": true, \"by\": \"ann\"}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(approved.body());
        assertThat(result.path("orderId").asText()).isEqualTo("o-2");
        assertThat(result.path("status").asText()).isEqualTo("shipped");
        assertThat(result.path("total").asInt()).isEqualTo(2515);
        assertThat(result.path("decidedBy").asText()).isEqualTo("ann");
        assertThat(status(base, waitingId)).isEqualTo("COMPLETED");

        HttpResponse<String> again = post(base + "/orders/" + waitingId + "/approval?token=" + waitingToken,
                "{\"approved\": false, \"by\": \"bob\"}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(get(base + "/orders/no-such-run").statusCode()).isEqualTo(404);
    }

    @Test
    void healthAndMetricsAnswer() throws Exception {
        String base = "http://localhost:" + port;
        HttpResponse<String> health = get(base + "/actuator/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("UP");
        // flowstate's own checks, through camel-spring-boot's Camel health indicator
        assertThat(health.body()).contains("flowstate-repository", "flowstate-maintenance");
        // flowstate's meters go to Spring Boot's MeterRegistry; a flow's meters appear with its first run here
        assertThat(post(base + "/orders", "{\"id\": \"o-3\", \"amount\": 40}").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get(base + "/actuator/metrics");
        assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
        assertThat(JSON.readTree(metrics.body()).path("names")).extracting(JsonNode::asText)
                .contains("flowstate.runs.started", "flowstate.runs.completed", "flowstate.checkpoint");
        HttpResponse<String> started = get(base + "/actuator/metrics/flowstate.runs.started?tag=flow:orders");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        assertThat(JSON.readTree(started.body()).path("measurements").path(0).path("value").asDouble())
                .isGreaterThanOrEqualTo(1);
    }

    private static String status(String base, String executionId) throws Exception {
        HttpResponse<String> run = get(base + "/orders/" + executionId);
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        return JSON.readTree(run.body()).path("status").asText();
    }

    private static HttpResponse<String> post(String url, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
