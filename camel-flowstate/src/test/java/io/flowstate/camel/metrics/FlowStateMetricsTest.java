package io.flowstate.camel.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.state.AlwaysContendedRepository;
import io.flowstate.camel.state.ConflictRetries;
import io.flowstate.camel.state.ContendedKeyException;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The run metrics, read from a real {@link SimpleMeterRegistry} bound in the Camel registry (as Spring Boot's or
 * camel-micrometer's would be), while real runs move on a real memory repository.
 */
class FlowStateMetricsTest extends CamelTestSupport {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AlwaysContendedRepository repository = new AlwaysContendedRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("meters", meters);
        registry.bind("flowRepository", repository);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:order").routeId("order")
                        .to("flowstate:start:order")
                        .step("reserve").setBody(constant("reserved")).end()
                        .to("flowstate:suspend:approval")
                        .step("ship").setBody(constant("shipped")).end();
                from("direct:resume").to("flowstate:resume");
                from("direct:cancel").to("flowstate:cancel");
                from("direct:broken").routeId("broken")
                        .to("flowstate:start:broken")
                        .step("pick").setBody(constant("reserved")).end()
                        .throwException(new IllegalStateException("no stock"));
                from("direct:reminder").routeId("reminder")
                        .to("flowstate:start:reminder")
                        .to("flowstate:suspend:answer?timeout=PT0.05S")
                        .setBody(constant("reminded"));
                from("direct:nap").routeId("nap")
                        .to("flowstate:start:nap")
                        .to("flowstate:sleep?duration=PT0.05S")
                        .setBody(constant("rested"));
                from("direct:raced").routeId("raced")
                        .to("flowstate:start:raced")
                        .step("pack").setBody(constant("reserved")).end()
                        .step("overtaken").process(FlowStateMetricsTest.this::moveTheStoredRunOn).end()
                        // not the route's last: the step has a checkpoint of its own
                        .setHeader("overtaken", constant(true));
                from("direct:hot").routeId("hot")
                        .to("flowstate:start:hot")
                        .to("flowstate:delete:hot?scope=persistent");
            }
        };
    }

    @Test
    void aRunThatSuspendsIsResumedAndCompletes() {
        Exchange suspended = template.request("direct:order", e -> e.getMessage().setBody("order-1"));
        assertThat(suspended.getException()).isNull();
        assertThat(count("flowstate.runs.started", "order")).isEqualTo(1);
        assertThat(count("flowstate.runs.suspended", "order")).isEqualTo(1);
        assertThat(count("flowstate.runs.completed", "order")).isZero();
        long checkpointsBeforeResume = timer("flowstate.checkpoint", "order").count();
        assertThat(checkpointsBeforeResume).as("saved at start, after reserve and at the suspend").isGreaterThan(0);

        Exchange resumed = template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID,
                    suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID));
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN,
                    suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN));
            e.getMessage().setBody("approved");
        });

        assertThat(resumed.getException()).isNull();
        assertThat(count("flowstate.runs.resumed", "order")).isEqualTo(1);
        assertThat(count("flowstate.runs.completed", "order")).isEqualTo(1);
        assertThat(count("flowstate.runs.failed", "order")).isZero();
        assertThat(count("flowstate.runs.started", "order")).as("a resume starts no run").isEqualTo(1);
        assertThat(timer("flowstate.resume", "order").count()).isEqualTo(1);
        assertThat(timer("flowstate.checkpoint", "order").count()).isGreaterThan(checkpointsBeforeResume);
        assertThat(timer("flowstate.checkpoint", "order").totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                .isPositive();
        assertThat(count("flowstate.runs.cancelled", "order")).as("registered with the flow; no cancel yet").isZero();
    }

    @Test
    void aCancelledRunCountsAsCancelled() {
        Exchange suspended = template.request("direct:order", e -> e.getMessage().setBody("order-9"));

        Exchange cancel = template.request("direct:cancel", e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID,
                suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID)));

        assertThat(cancel.getException()).isNull();
        assertThat(count("flowstate.runs.cancelled", "order")).isEqualTo(1);
        assertThat(count("flowstate.runs.completed", "order")).isZero();
        assertThat(count("flowstate.runs.failed", "order")).isZero();
        context.getComponent("flowstate", FlowStateComponent.class).getMaintenance().runOnce();
        assertThat(storedRuns(FlowStatus.CANCELLED)).isEqualTo(1);
        assertThat(storedRuns(FlowStatus.SUSPENDED)).isZero();
    }

    @Test
    void aFailingRunCountsAsFailed() {
        Exchange failed = template.request("direct:broken", e -> e.getMessage().setBody("order-2"));

        assertThat(failed.getException()).hasMessageContaining("no stock");
        assertThat(count("flowstate.runs.started", "broken")).isEqualTo(1);
        assertThat(count("flowstate.runs.failed", "broken")).isEqualTo(1);
        assertThat(count("flowstate.runs.completed", "broken")).isZero();
    }

    @Test
    void theTotalsGoOnAcrossARestartAndEachRunIsCountedOnce() {
        template.request("direct:broken", e -> e.getMessage().setBody("order-6"));
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        component.stop();
        assertThat(meters.find("flowstate.runs").gauges()).as("nothing refreshes them while stopped").isEmpty();
        component.start();
        assertThat(meters.find("flowstate.runs").gauges()).hasSize(FlowStatus.values().length);

        template.request("direct:broken", e -> e.getMessage().setBody("order-7"));

        assertThat(count("flowstate.runs.failed", "broken")).isEqualTo(2);
        assertThat(count("flowstate.runs.started", "broken")).isEqualTo(2);
    }

    @Test
    void aSuspendWhoseTimeoutPassedCountsAsTimedOut() {
        maintenancePassesUntil(startRun("direct:reminder"), FlowStatus.COMPLETED);

        assertThat(count("flowstate.runs.suspended", "reminder")).isEqualTo(1);
        assertThat(count("flowstate.runs.timedout", "reminder")).isEqualTo(1);
        assertThat(count("flowstate.runs.resumed", "reminder")).isZero();
        assertThat(count("flowstate.runs.completed", "reminder")).isEqualTo(1);
    }

    @Test
    void aSleepCountsAsSleptAndWokeNotAsSuspendedAndResumed() {
        maintenancePassesUntil(startRun("direct:nap"), FlowStatus.COMPLETED);

        assertThat(count("flowstate.runs.slept", "nap")).isEqualTo(1);
        assertThat(count("flowstate.runs.woke", "nap")).isEqualTo(1);
        assertThat(count("flowstate.runs.suspended", "nap")).isZero();
        assertThat(count("flowstate.runs.timedout", "nap")).isZero();
    }

    @Test
    void aRunWhoseLeaseExpiredIsCountedAsRecovered() {
        String id = "01a20736-0000-7000-8000-0000000000cc";
        repository.save(FlowSnapshot.builder().executionId(id).flowId("order").routeId("order")
                .status(FlowStatus.RUNNING).createdAt(Instant.now().minusSeconds(120))
                .input(JsonNodeFactory.instance.objectNode().put("body", "order-3")
                        .set("headers", JsonNodeFactory.instance.objectNode()))
                .completedSteps(List.of()).leaseOwner("dead-node").leaseExpiresAt(Instant.now().minusSeconds(60))
                .build(), 0);

        maintenancePassesUntil(id, FlowStatus.SUSPENDED);

        assertThat(count("flowstate.runs.recovered", "order")).isEqualTo(1);
        assertThat(count("flowstate.runs.suspended", "order")).as("it went on to its suspend").isEqualTo(1);
        assertThat(count("flowstate.runs.started", "order")).as("started on the dead node").isZero();
    }

    @Test
    void aCheckpointRefusedBecauseTheStoredRunMovedOnIsAConflict() {
        Exchange raced = template.request("direct:raced", e -> e.getMessage().setBody("order-4"));

        assertThat(raced.getException()).isNotNull();
        assertThat(conflicts("checkpoint")).as("the checkpoint after the step, then the save as FAILED at its end")
                .isEqualTo(2);
        assertThat(conflicts("value")).isZero();
    }

    @Test
    void eachRetriedDeleteOfAContendedPersistentKeyIsAConflict() {
        repository.putValue("hot", "hot", JsonNodeFactory.instance.numberNode(1), 0);
        repository.contend("hot");

        Exchange contended = template.request("direct:hot", e -> e.getMessage().setBody(1));

        assertThat(contended.getException()).isInstanceOf(ContendedKeyException.class);
        assertThat(conflicts("value")).isEqualTo(ConflictRetries.MAX_ATTEMPTS);
        assertThat(conflicts("checkpoint")).isZero();
    }

    @Test
    void theGaugeOfStoredRunsByStatusIsRefreshedByTheMaintenancePass() {
        template.request("direct:order", e -> e.getMessage().setBody("order-8"));
        template.request("direct:order", e -> e.getMessage().setBody("order-9"));
        template.request("direct:broken", e -> e.getMessage().setBody("order-10"));

        context.getComponent("flowstate", FlowStateComponent.class).getMaintenance().runOnce();

        assertThat(storedRuns(FlowStatus.SUSPENDED)).isEqualTo(2);
        assertThat(storedRuns(FlowStatus.FAILED)).isEqualTo(1);
        assertThat(storedRuns(FlowStatus.COMPLETED)).isZero();
        assertThat(storedRuns(FlowStatus.RUNNING)).isZero();
    }

    @Test
    void everyMeterIsTaggedWithTheRepositoryKindNotItsLocation() {
        template.request("direct:broken", e -> e.getMessage().setBody("order-5"));

        assertThat(meters.getMeters()).isNotEmpty().allSatisfy(meter -> assertThat(meter.getId().getTag("repository"))
                .as(meter.getId().toString()).isEqualTo("memory"));
    }

    /** Another node (or a stale copy) saves the run in between: the run's next save is refused. */
    private void moveTheStoredRunOn(Exchange exchange) {
        FlowExecution run = FlowExecution.of(exchange);
        long stored = repository.load(run.getExecutionId()).orElseThrow().version();
        repository.saveDelta(run.getExecutionId(), FlowSnapshotDelta.builder().updatedAt(Instant.now()).build(), stored);
    }

    private String startRun(String uri) {
        return template.request(uri, e -> e.getMessage().setBody("go")).getMessage()
                .getHeader(FlowStateConstants.EXECUTION_ID, String.class);
    }

    private void maintenancePassesUntil(String executionId, FlowStatus status) {
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            component.getMaintenance().runOnce();
            return repository.load(executionId).orElseThrow().status() == status;
        });
    }

    private double count(String name, String flow) {
        return meters.get(name).tags("flow", flow, "repository", "memory").counter().count();
    }

    private Timer timer(String name, String flow) {
        return meters.get(name).tags("flow", flow, "repository", "memory").timer();
    }

    private double storedRuns(FlowStatus status) {
        return meters.get("flowstate.runs").tags("status", status.name(), "repository", "memory").gauge().value();
    }

    private double conflicts(String write) {
        Meter.Id id = meters.get("flowstate.conflicts").tags("write", write).counter().getId();
        assertThat(id.getTag("repository")).isEqualTo("memory");
        return meters.get("flowstate.conflicts").tags("write", write).counter().count();
    }
}
