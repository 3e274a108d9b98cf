package io.flowstate.camel;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.console.DevConsole;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dev console {@code flowstate}, resolved through Camel as its console endpoint does, over real runs on the file
 * repository: one completed after a resume, one suspended at a named step, one held RUNNING on this node, and two
 * stored runs the next maintenance pass would take up (a due wake-up, a lease another node let expire).
 */
class FlowStateDevConsoleTest {

    @TempDir
    Path dir;

    private CamelContext context;
    private ProducerTemplate template;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        context = new DefaultCamelContext();
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        component.setRepository(new FileFlowSnapshotRepository(dir.resolve("data").toString()));
        component.setWorkDirectory(dir.resolve("work").toString());
        component.setRecoveryInterval(Duration.ofHours(1)); // one pass at start, none while the test reads counts
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:resume").to("flowstate:resume");
                from("direct:order").routeId("order")
                        .to("flowstate:start")
                        .step("validate").setBody(simple("valid ${body}")).end()
                        .to("flowstate:suspend:approval")
                        .step("ship").setBody(simple("shipped (${body})")).end();
                from("direct:hold").routeId("hold")
                        .to("flowstate:start")
                        .step("prepare").setBody(constant("prepared")).end()
                        .step("wait").process(e -> release.await(30, TimeUnit.SECONDS)).end();
            }
        });
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        release.countDown();
        context.stop();
    }

    @Test
    void theJsonShowsEverySectionOverRealRuns() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> json().containsKey("maintenance")
                && map(json().get("maintenance")).containsKey("lastPass"));
        Map<?, ?> first = suspend("order-1");
        Exchange resumed = template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, first.get("executionId"));
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, first.get("resumeToken"));
            e.getMessage().setBody("yes");
        });
        assertThat(resumed.getException()).isNull();
        suspend("order-2");
        Instant hourAgo = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        FlowSnapshotRepository repository = context.getComponent("flowstate", FlowStateComponent.class).getRepository();
        repository.save(stored("due-wake-up", FlowStatus.SUSPENDED).waitingFor("nap").wakeAt(hourAgo)
                .updatedAt(hourAgo).build(), 0);
        repository.save(stored("lease-ran-out", FlowStatus.RUNNING).leaseOwner("gone-node").leaseExpiresAt(hourAgo)
                .build(), 0);
        Future<Exchange> held = template.asyncSend("direct:hold", e -> e.getMessage().setBody("x"));
        await().atMost(Duration.ofSeconds(10)).until(this::holdsOneRunWithALease);

        Map<String, Object> json = json();

        Map<String, Object> repo = map(json.get("repository"));
        assertThat(repo).containsEntry("kind", "FileFlowSnapshotRepository")
                .containsEntry("location", "file:" + dir.resolve("data").toAbsolutePath().normalize());
        Map<String, Object> runs = map(json.get("runs"));
        assertThat(runs.get("total")).isEqualTo(5L);
        assertThat(map(runs.get("byStatus"))).containsEntry("RUNNING", 2L).containsEntry("SUSPENDED", 2L)
                .containsEntry("COMPLETED", 1L).containsEntry("FAILED", 0L);
        assertThat(map(runs.get("byFlow"))).containsOnlyKeys("order", "hold", "seeded");
        assertThat(map(map(runs.get("byFlow")).get("order"))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "SUSPENDED", 1L, "COMPLETED", 1L));
        assertThat(map(map(runs.get("byFlow")).get("hold"))).containsExactlyInAnyOrderEntriesOf(Map.of("RUNNING", 1L));
        List<Object> suspended = list(runs.get("suspended"));
        assertThat(suspended).hasSize(2);
        Map<String, Object> approval = map(suspended.get(0));
        assertThat(approval).containsEntry("waitingFor", "approval").containsEntry("runs", 1L);
        Map<String, Object> nap = map(suspended.get(1));
        assertThat(nap).containsEntry("waitingFor", "nap").containsEntry("runs", 1L)
                .containsEntry("oldestSince", hourAgo.toString());
        assertThat(((Number) nap.get("oldestAgeMillis")).longValue()).isGreaterThanOrEqualTo(3_600_000L);
        assertThat(((Number) approval.get("oldestAgeMillis")).longValue()).isBetween(0L, 3_600_000L);
        assertThat(runs).containsEntry("dueWakeUps", 1L).containsEntry("expiredLeases", 1L);

        Map<String, Object> here = map(json.get("runningHere"));
        Map<String, Object> heldRun = map(list(here.get("runs")).get(0));
        assertThat(heldRun).containsEntry("flowId", "hold").containsKey("executionId");
        assertThat(Instant.parse((String) heldRun.get("leaseExpiresAt"))).isAfter(Instant.now());

        Map<String, Object> maintenance = map(json.get("maintenance"));
        assertThat(maintenance).containsEntry("intervalMillis", 3_600_000L).containsEntry("failedInARow", 0);
        Map<String, Object> pass = map(maintenance.get("lastPass"));
        assertThat(pass).containsKeys("startedAt", "tookMillis", "continued", "removed").doesNotContainKey("failure");
        assertThat(Instant.parse((String) maintenance.get("lastCompletedAt")))
                .isAfterOrEqualTo(Instant.parse((String) pass.get("startedAt")));

        Map<String, Object> latency = map(json.get("latency"));
        Map<String, Object> checkpoint = map(latency.get("checkpoint"));
        Map<String, Object> resume = map(latency.get("resume"));
        assertThat(((Number) checkpoint.get("count")).longValue()).isGreaterThanOrEqualTo(3);
        assertThat(((Number) resume.get("count")).longValue()).isEqualTo(1);
        for (Map<String, Object> l : List.of(checkpoint, resume)) {
            double p50 = ((Number) l.get("p50Millis")).doubleValue();
            assertThat(p50).isPositive();
            assertThat(((Number) l.get("p99Millis")).doubleValue()).isGreaterThanOrEqualTo(p50);
        }

        String text = console().call(DevConsole.MediaType.TEXT).toString();
        assertThat(text).contains("Repository: FileFlowSnapshotRepository at file:")
                .contains("Runs: 5").contains("suspended at approval: 1").contains("suspended at nap: 1")
                .contains("Due wake-ups: 1, expired leases: 1").contains("Running on this node: 1")
                .contains("(flow hold) lease until").contains("last pass at")
                .containsPattern("checkpoint: \\d+ recorded, p50 \\d+\\.\\d{1,3} ms, p99 \\d+\\.\\d{1,3} ms\n")
                .contains("resume: 1 recorded");

        release.countDown();
        assertThat(held.get(10, TimeUnit.SECONDS).getException()).isNull();
    }

    @Test
    void aContextWithoutARunningComponentSaysSo() {
        context.getComponent("flowstate", FlowStateComponent.class).stop();

        assertThat(json()).containsEntry("started", false);
        assertThat(console().call(DevConsole.MediaType.TEXT).toString()).contains("not started");
    }

    /** The held run is listed once this node saved it, with the end of the lease it took. */
    private boolean holdsOneRunWithALease() {
        List<Object> running = list(map(json().get("runningHere")).get("runs"));
        return running.size() == 1 && !"null".equals(map(running.get(0)).get("leaseExpiresAt"));
    }

    private Map<?, ?> suspend(String order) {
        Exchange out = template.request("direct:order", e -> e.getMessage().setBody(order));
        assertThat(out.getException()).isNull();
        return out.getMessage().getBody(Map.class);
    }

    private static FlowSnapshot.Builder stored(String name, FlowStatus status) {
        Instant now = Instant.now();
        return FlowSnapshot.builder().executionId(name).flowId("seeded").routeId("seeded").status(status)
                .createdAt(now).updatedAt(now);
    }

    private DevConsole console() {
        DevConsole console = PluginHelper.getDevConsoleResolver(context).resolveDevConsole("flowstate");
        assertThat(console).as("dev console flowstate").isInstanceOf(FlowStateDevConsole.class);
        return console;
    }

    private Map<String, Object> json() {
        return map(console().call(DevConsole.MediaType.JSON));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }
}
