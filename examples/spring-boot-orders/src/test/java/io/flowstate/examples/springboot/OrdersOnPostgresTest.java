package io.flowstate.examples.springboot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Profile {@code postgres}: the application's pool connects to PostgreSQL as application-postgres.properties says
 * (database and user {@code orders}; here on an embedded server's port), and the approval flow keeps its runs there.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
@DirtiesContext
class OrdersOnPostgresTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static EmbeddedPostgres postgres;

    @LocalServerPort
    private int port;

    @Autowired
    private DataSource dataSource;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE orders LOGIN PASSWORD 'orders'");
            s.execute("CREATE DATABASE orders OWNER orders");
        }
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @DynamicPropertySource
    static void postgresPort(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:postgresql://localhost:" + postgres.getPort() + "/orders");
    }

    @Test
    void approvalFlowKeepsItsRunsInPostgres() throws Exception {
        String base = "http://localhost:" + port;
        HttpResponse<String> large = post(base + "/orders", "{\"id\": \"o-7\", \"amount\": 4000}");
        assertThat(large.statusCode()).as(large.body()).isEqualTo(202);
        JsonNode waiting = JSON.readTree(large.body());

        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status FROM flowstate_runs WHERE execution_id = '"
                                           + waiting.path("executionId").asText() + "'")) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
            assertThat(c.getMetaData().getUserName()).isEqualTo("orders");
            assertThat(rs.next()).as("the waiting run is a row in PostgreSQL").isTrue();
            assertThat(rs.getString(1)).isEqualTo("SUSPENDED");
        }

        HttpResponse<String> approved = post(base + "/orders/" + waiting.path("executionId").asText()
                                             + "/approval?token=" + waiting.path("resumeToken").asText(),
                "{\"approved\": false, \"by\": \"carol\"}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(JSON.readTree(approved.body()).path("status").asText()).isEqualTo("rejected");
    }

    private static HttpResponse<String> post(String url, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
