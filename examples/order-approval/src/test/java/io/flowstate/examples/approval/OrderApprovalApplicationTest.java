package io.flowstate.examples.approval;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the example as a user does (its own JVM, its main class, a fresh working directory) on a free port, and
 * drives the approval flow over HTTP: auto-completion of a small order, suspend of a large one, a wrong token (403),
 * a restart of the application, the resume, a second approval (409), a rejection, and the timeout path; and what an
 * operator does: list the waiting orders page by page, cancel one, restart an order that failed once its cause is fixed.
 */
class OrderApprovalApplicationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process app;
    private Path log;
    private String base;
    private String management;

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    @Test
    void approvalFlowOverHttp(@TempDir Path workDir) throws Exception {
        start(workDir, "PT5M");

        // a small order completes at once, without approval
        HttpResponse<String> small = post("/orders", "{\"id\": \"o-1\", \"amount\": 250}");
        expect(small, 200);
        JsonNode shipped = JSON.readTree(small.body());
        assertThat(shipped.get("status").asText()).isEqualTo("shipped");
        assertThat(shipped.get("total").asInt()).isEqualTo(265);
        assertThat(shipped.get("decidedBy").asText()).startsWith("auto");

        // a large one suspends: 202 with the run's id and resume token, saved in ./flowstate-data
        HttpResponse<String> large = post("/orders", "{\"id\": \"o-2\", \"amount\": 2500}");
        expect(large, 202);
        JsonNode waiting = JSON.readTree(large.body());
        String id = waiting.get("executionId").asText();
        String token = waiting.get("resumeToken").asText();
        assertThat(waiting.get("waitingFor").asText()).isEqualTo("approval");
        try (Stream<Path> files = Files.walk(workDir.resolve("flowstate-data"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(name -> name.startsWith(id));
        }
        assertThat(status(id).get("status").asText()).isEqualTo("SUSPENDED");

        // a wrong token is refused
        HttpResponse<String> forged = post("/orders/" + id + "/approval?token=not-the-token",
                "{\"approved\": true, \"by\": \"mallory\"}");
        expect(forged, 403);

        // the run waits in the file repository (its deadline too): a restarted application continues it.
        // The restart shortens the approval timeout for the orders that suspend from now on, to test the timeout path
        restart(workDir, "PT2S");

        // the right token resumes the run, which replies with its final result
        HttpResponse<String> approved = post("/orders/" + id + "/approval?token=" + token,
                "{\"approved\": true, \"by\": \"ann\"}");
        expect(approved, 200);
        JsonNode result = JSON.readTree(approved.body());
        assertThat(result.get("orderId").asText()).isEqualTo("o-2");
        assertThat(result.get("status").asText()).isEqualTo("shipped");
        assertThat(result.get("total").asInt()).isEqualTo(2515);
        assertThat(result.get("decidedBy").asText()).isEqualTo("ann");
        assertThat(result.get("executionId").asText()).isEqualTo(id);

        // a second approval is refused: the run is not waiting any more
        HttpResponse<String> again = post("/orders/" + id + "/approval?token=" + token,
                "{\"approved\": false, \"by\": \"bob\"}");
        expect(again, 409);
        JsonNode done = status(id);
        assertThat(done.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(done.get("state").get("decidedBy").asText()).isEqualTo("ann");

        // a refusal, token in a header this time
        HttpResponse<String> third = post("/orders", "{\"id\": \"o-3\", \"amount\": 4000}");
        expect(third, 202);
        JsonNode other = JSON.readTree(third.body());
        HttpRequest refusal = HttpRequest.newBuilder(URI.create(base + "/orders/" + other.get("executionId").asText()
                                                                + "/approval"))
                .header("Content-Type", "application/json")
                .header("Resume-Token", other.get("resumeToken").asText())
                .POST(HttpRequest.BodyPublishers.ofString("{\"approved\": false, \"by\": \"bob\"}")).build();
        HttpResponse<String> rejected = http.send(refusal, HttpResponse.BodyHandlers.ofString());
        expect(rejected, 200);
        assertThat(JSON.readTree(rejected.body()).get("status").asText()).isEqualTo("rejected");

        // nobody answers: the timeout (2 s since the restart) rejects the order in the background
        String late = JSON.readTree(post("/orders", "{\"id\": \"o-4\", \"amount\": 9000}").body())
                .get("executionId").asText();
        JsonNode timedOut = awaitCompleted(late, Duration.ofSeconds(60));
        assertThat(timedOut.get("state").get("decision").asText()).isEqualTo("rejected");
        assertThat(timedOut.get("state").get("decidedBy").asText()).isEqualTo("timeout");

        // an operator cancels a waiting order: its onCancel route runs, its history says who did it, and it cannot
        // be approved or cancelled any more
        JsonNode doomed = JSON.readTree(post("/orders", "{\"id\": \"o-5\", \"amount\": 3000}").body());
        String doomedId = doomed.get("executionId").asText();
        HttpResponse<String> cancelled = http.send(HttpRequest.newBuilder(URI.create(base + "/orders/" + doomedId
                                                                                     + "/cancel"))
                .header("Actor", "carol").header("Reason", "customer withdrew")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        expect(cancelled, 200);
        assertThat(JSON.readTree(cancelled.body()).get("status").asText()).isEqualTo("CANCELLED");
        assertThat(status(doomedId).get("status").asText()).isEqualTo("CANCELLED");
        expect(post("/orders/" + doomedId + "/approval?token=" + doomed.get("resumeToken").asText(),
                "{\"approved\": true, \"by\": \"ann\"}"), 409);
        expect(post("/orders/" + doomedId + "/cancel", ""), 409);
        HttpResponse<String> history = http.send(HttpRequest.newBuilder(URI.create(base + "/orders/" + doomedId
                                                                                   + "/history")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        expect(history, 200);
        JsonNode events = JSON.readTree(history.body());
        assertThat(events.get(events.size() - 1).get("type").asText()).isEqualTo("CANCELLED");
        assertThat(events.get(events.size() - 1).get("actor").asText()).isEqualTo("carol");

        // an unknown run is refused like a wrong token: without a token, nobody learns which runs exist
        assertThat(post("/orders/01a20736-0000-7000-8000-00000000dead/approval?token=x", "{}").statusCode())
                .isEqualTo(403);

        // reading an unknown run answers 404: its id was given, and GET reveals nothing without it
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/orders/01a20736-0000-7000-8000-00000000dead"))
                .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);

        // Camel Main's health endpoint shows flowstate's readiness and liveness checks, both UP
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(management + "/observe/health"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        expect(health, 200);
        JsonNode checks = JSON.readTree(health.body()).get("checks");
        assertThat(checks).as(health.body()).anySatisfy(check -> {
            assertThat(check.get("name").asText()).isEqualTo("flowstate-repository");
            assertThat(check.get("status").asText()).isEqualTo("UP");
        }).anySatisfy(check -> {
            assertThat(check.get("name").asText()).isEqualTo("flowstate-maintenance");
            assertThat(check.get("status").asText()).isEqualTo("UP");
        });

        String output = read(workDir.resolve("app-1.log")) + read(log);
        assertThat(output).contains("Order o-2 shipped (ann)", "Order o-4 rejected (timeout)",
                "Order o-5 cancelled by carol (customer withdrew)");
        assertThat(output).contains("Order approval is listening on :" + base.replaceAll(".*:", ""));
        // refused resumes (wrong token, decided already, unknown run) are answered, not logged as errors
        assertThat(output).as(output).doesNotContain(" ERROR ").doesNotContain("\tat ");
        // the steps before the approval ran once: the resume skipped them and used their recorded results
        assertThat(output.split("Order o-2 received", -1)).as(output).hasSize(2);
        assertThat(output.split("Order total 2515", -1)).as(output).hasSize(2);
    }

    @Test
    void operatorListsCancelsAndRestartsOrders(@TempDir Path workDir) throws Exception {
        // pages of one order, to walk the list with Page-Token
        start(workDir, "PT5M", "-Dorder.waitingPageSize=1");
        String first = JSON.readTree(post("/orders", "{\"id\": \"o-10\", \"amount\": 2500}").body())
                .get("executionId").asText();
        String second = JSON.readTree(post("/orders", "{\"id\": \"o-11\", \"amount\": 3500}").body())
                .get("executionId").asText();
        expect(post("/orders", "{\"id\": \"o-12\", \"amount\": 100}"), 200);

        // the waiting orders, oldest first, one page each: the shipped one is not among them
        HttpResponse<String> page1 = get("/waiting-orders", null);
        expect(page1, 200);
        JsonNode waiting = JSON.readTree(page1.body());
        assertThat(waiting).hasSize(1);
        assertThat(waiting.get(0).get("executionId").asText()).isEqualTo(first);
        assertThat(waiting.get(0).get("status").asText()).isEqualTo("SUSPENDED");
        assertThat(waiting.get(0).get("waitingFor").asText()).isEqualTo("approval");
        String token = page1.headers().firstValue("Page-Token").orElseThrow();
        HttpResponse<String> page2 = get("/waiting-orders", token);
        expect(page2, 200);
        assertThat(JSON.readTree(page2.body())).singleElement()
                .satisfies(run -> assertThat(run.get("executionId").asText()).isEqualTo(second));
        assertThat(page2.headers().firstValue("Page-Token")).as("the last page").isEmpty();
        HttpResponse<String> tampered = get("/waiting-orders", token + "x");
        expect(tampered, 400);
        assertThat(tampered.body()).contains("Page-Token");

        // cancel the first: the list shows only the second
        expect(post("/orders/" + first + "/cancel", ""), 200);
        assertThat(JSON.readTree(get("/waiting-orders", null).body())).singleElement()
                .satisfies(run -> assertThat(run.get("executionId").asText()).isEqualTo(second));

        // the warehouse closes: an order passes validate and price, then fails at step ship; its run is FAILED
        expect(post("/warehouse/close", ""), 200);
        HttpResponse<String> failed = post("/orders", "{\"id\": \"o-13\", \"amount\": 250}");
        expect(failed, 503);
        String id = failed.headers().firstValue("Execution-Id").orElseThrow();
        assertThat(status(id).get("status").asText()).isEqualTo("FAILED");
        // an approved order fails at ship too; restarted while the warehouse is still closed, it fails again
        JsonNode large = JSON.readTree(post("/orders", "{\"id\": \"o-14\", \"amount\": 2000}").body());
        String approvedId = large.get("executionId").asText();
        HttpResponse<String> approval = post("/orders/" + approvedId + "/approval?token="
                                             + large.get("resumeToken").asText(), "{\"approved\": true, \"by\": \"ann\"}");
        expect(approval, 503);
        assertThat(approval.headers().firstValue("Execution-Id")).hasValue(approvedId);
        expect(post("/orders/" + approvedId + "/restart", ""), 503);
        assertThat(status(approvedId).get("status").asText()).isEqualTo("FAILED");

        // it opens again: the restart completes the order from step ship, as attempt 2
        expect(post("/warehouse/open", ""), 200);
        HttpResponse<String> restarted = http.send(HttpRequest.newBuilder(URI.create(base + "/orders/" + id + "/restart"))
                .header("Actor", "dave").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        expect(restarted, 200);
        JsonNode result = JSON.readTree(restarted.body());
        assertThat(result.get("orderId").asText()).isEqualTo("o-13");
        assertThat(result.get("status").asText()).isEqualTo("shipped");
        assertThat(result.get("total").asInt()).isEqualTo(265);
        assertThat(result.get("executionId").asText()).isEqualTo(id);
        assertThat(result.get("attempt").asInt()).isEqualTo(2);
        assertThat(status(id).get("status").asText()).isEqualTo("COMPLETED");
        HttpResponse<String> history = get("/orders/" + id + "/history", null);
        expect(history, 200);
        assertThat(JSON.readTree(history.body())).anySatisfy(event -> {
            assertThat(event.get("type").asText()).isEqualTo("RESTARTED");
            assertThat(event.get("actor").asText()).isEqualTo("dave");
        });

        // the approval is not asked again: the restart passes the suspend with the recorded answer
        HttpResponse<String> third = post("/orders/" + approvedId + "/restart", "");
        expect(third, 200);
        assertThat(JSON.readTree(third.body()).get("decidedBy").asText()).isEqualTo("ann");
        assertThat(JSON.readTree(third.body()).get("attempt").asInt()).isEqualTo(3);

        // a completed order cannot be restarted; an unknown one is not found
        expect(post("/orders/" + id + "/restart", ""), 409);
        expect(post("/orders/01a20736-0000-7000-8000-00000000dead/restart", ""), 404);

        String output = read(log);
        // validate and price ran once for o-13: the restart skipped them with their recorded results
        assertThat(output.split("Order o-13 received", -1)).as(output).hasSize(2);
        assertThat(output.split("Order total 265", -1)).as(output).hasSize(2);
        assertThat(output).contains("Order run " + id + " failed: the warehouse is closed",
                "Order o-13 leaves the warehouse (attempt 2)", "Order o-13 shipped (auto", "Order o-14 shipped (ann)");
        // one line per failed attempt of o-14 (the approval's, the first restart's)
        assertThat(output.split("Order run " + approvedId + " failed", -1)).as(output).hasSize(3);
        // the failure is answered and logged in one line, without a stack trace
        assertThat(output).as(output).doesNotContain(" ERROR ").doesNotContain("\tat ");
    }

    private int starts;

    private void restart(Path workDir, String approvalTimeout) throws Exception {
        app.destroy();
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        start(workDir, approvalTimeout);
    }

    private void start(Path workDir, String approvalTimeout, String... options) throws Exception {
        int port = freePort();
        int managementPort = freePort();
        base = "http://localhost:" + port;
        management = "http://localhost:" + managementPort;
        log = workDir.resolve("app-" + ++starts + ".log");
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"),
                "-Dcamel.server.port=" + port,
                "-Dcamel.management.port=" + managementPort,
                "-Dorder.approvalTimeout=" + approvalTimeout,
                "-Dcamel.component.flowstate.recoveryInterval=PT0.5S"));
        command.addAll(List.of(options));
        command.add(OrderApprovalApplication.class.getName());
        app = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            assertThat(app.isAlive()).as("application exited:\n%s", read(log)).isTrue();
            try {
                http.send(HttpRequest.newBuilder(URI.create(base + "/orders/ping")).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                // the server listens before every route is added to it: ready once the ready line is logged
                if (read(log).contains("Order approval is listening on :" + port)) {
                    return;
                }
                Thread.sleep(200);
            } catch (IOException notYet) {
                assertThat(System.nanoTime()).as("application did not listen in time:\n%s", read(log))
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String pageToken) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (pageToken != null) {
            request.header("Page-Token", pageToken);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts the status code; on failure shows the reply and what the application logged. */
    private void expect(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as("%s %s replied %s\n--- application output:\n%s", response.request().method(),
                response.request().uri(), response.body(), read(log)).isEqualTo(status);
    }

    private JsonNode status(String id) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/orders/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        expect(response, 200);
        return JSON.readTree(response.body());
    }

    private JsonNode awaitCompleted(String id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode status = status(id);
            if ("COMPLETED".equals(status.get("status").asText())) {
                return status;
            }
            assertThat(System.nanoTime()).as("run %s still %s:\n%s", id, status, read(log)).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static String read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
