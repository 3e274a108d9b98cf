package io.flowstate.camel.step;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.execution.ResumeException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import io.flowstate.camel.support.ResumeTokens;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Java DSL route made durable by its steps: results recorded and checkpointed, an approval step that suspends the
 * run until a resume with its token, exactly-once resume, timeouts, and recovery of a run whose node died.
 */
class DurableFlowTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
    /** How often each step's body ran, by step id: a skipped step must not run again. */
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void everyStepRecordsItsResultAndCheckpoints() {
        Exchange out = template.request("direct:steps", e -> e.getMessage().setBody(5));
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody()).isEqualTo(16);
        FlowSnapshot stored = stored(out);
        assertThat(stored.completedSteps()).containsExactly("double", "addSix");
        assertThat(stored.results().get("double").intValue()).isEqualTo(10);
        assertThat(stored.results().get("addSix").intValue()).isEqualTo(16);
        // one save per step, except the route's last: the completion, when the exchange ended, records it
        assertThat(stored.version()).isEqualTo(2);
        assertThat(stored.status()).isEqualTo(FlowStatus.COMPLETED);
    }

    @Test
    void approvalSuspendsTheRunAndResumeContinuesItOnceWithThePayload() {
        Exchange suspended = template.request("direct:order", e -> e.getMessage().setBody("order-7"));
        assertThat(suspended.getException()).isNull();
        Map<?, ?> reply = suspended.getMessage().getBody(Map.class);
        assertThat(reply.get("waitingFor")).isEqualTo("approval");
        assertThat(suspended.getMessage().getHeader(FlowStateConstants.STATUS)).isEqualTo(FlowStatus.SUSPENDED);
        String id = (String) reply.get("executionId");
        String token = (String) reply.get("resumeToken");
        assertThat(token).hasSize(43).isEqualTo(suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN));
        assertThat(runs.get("ship")).isNull();

        FlowSnapshot waiting = repository.load(id).orElseThrow();
        assertThat(waiting.status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(waiting.waitingFor()).isEqualTo("approval");
        assertThat(waiting.resumeTokenHash()).isNotEqualTo(token).isEqualTo(ResumeTokens.hash(token));
        assertThat(waiting.leaseOwner()).isNull();

        Exchange resumed = resume(id, token, "approved by ann");
        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo("shipped order-7 (approved by ann)");
        assertThat(runs.get("validate").get()).isEqualTo(1);
        assertThat(runs.get("ship").get()).isEqualTo(1);
        FlowSnapshot done = repository.load(id).orElseThrow();
        assertThat(done.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(done.results().get("approval").asText()).isEqualTo("approved by ann");
        assertThat(done.completedSteps()).containsExactly("validate", "approval", "ship");
    }

    @Test
    void aSecondResumeFailsAndDoesNotRunTheFlowAgain() {
        Map<?, ?> reply = template.requestBody("direct:order", "order-8", Map.class);
        String id = (String) reply.get("executionId");
        String token = (String) reply.get("resumeToken");
        assertThat(resume(id, token, "yes").getException()).isNull();

        Exchange again = resume(id, token, "yes");
        assertThat(again.getException()).isInstanceOf(ResumeException.NotSuspended.class)
                .hasMessageContaining("is COMPLETED, not SUSPENDED");
        assertThat(runs.get("ship").get()).isEqualTo(1);
    }

    @Test
    void ofConcurrentResumesExactlyOneRunsTheFlow() throws Exception {
        Map<?, ?> reply = template.requestBody("direct:order", "order-9", Map.class);
        String id = (String) reply.get("executionId");
        String token = (String) reply.get("resumeToken");
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Exchange>> results = new ArrayList<>();
        try {
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return resume(id, token, "yes");
                }));
            }
            go.countDown();
            int succeeded = 0;
            for (Future<Exchange> result : results) {
                Exchange out = result.get();
                if (out.getException() == null) {
                    succeeded++;
                } else {
                    assertThat(out.getException()).isInstanceOf(ResumeException.NotSuspended.class);
                }
            }
            assertThat(succeeded).isEqualTo(1);
            assertThat(runs.get("ship").get()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWrongTokenIsRefusedAndTheRunStaysAsItWas() {
        Map<?, ?> reply = template.requestBody("direct:order", "order-10", Map.class);
        String id = (String) reply.get("executionId");
        FlowSnapshot before = repository.load(id).orElseThrow();

        Exchange out = resume(id, ResumeTokens.newToken(), "yes");

        assertThat(out.getException()).isInstanceOf(ResumeException.InvalidToken.class)
                .hasMessageContaining("does not match run " + id);
        FlowSnapshot after = repository.load(id).orElseThrow();
        assertThat(after.version()).isEqualTo(before.version());
        assertThat(after.status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(runs.get("ship")).isNull();
    }

    @Test
    void resumeOfAnUnknownRunOrWithoutTokenFailsClearly() {
        // told like a wrong token: without a run's token, nobody learns whether it exists
        assertThat(resume("01a20736-0000-7000-8000-00000000dead", "x", "yes").getException())
                .isInstanceOf(ResumeException.InvalidToken.class);
        Exchange noToken = template.request("direct:resume", e -> e.getMessage().setHeader(
                FlowStateConstants.EXECUTION_ID, "01a20736-0000-7000-8000-00000000dead"));
        assertThat(noToken.getException()).hasMessageContaining("needs header CamelFlowStateResumeToken");
    }

    @Test
    void aRunThatNeverSuspendedHasNoTokenToResumeWith() {
        Exchange finished = template.request("direct:steps", e -> e.getMessage().setBody(1));
        String id = finished.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        assertThat(resume(id, "any", "yes").getException()).isInstanceOf(ResumeException.InvalidToken.class);
    }

    @Test
    void aRunWhoseCompletedStepNoLongerExistsStaysSuspended() {
        String token = ResumeTokens.newToken();
        FlowSnapshot ghost = suspendedRun("ghostRun", "order", List.of("validate", "ghost"), ResumeTokens.hash(token));
        Exchange out = resume(ghost.executionId(), token, "yes");
        assertThat(out.getException()).isInstanceOf(ResumeException.RouteChanged.class)
                .hasMessageContaining("completed step 'ghost'");
        assertThat(repository.load(ghost.executionId()).orElseThrow().status()).isEqualTo(FlowStatus.SUSPENDED);
    }

    @Test
    void aRunOfARouteThatNoLongerExistsStaysSuspended() {
        String token = ResumeTokens.newToken();
        FlowSnapshot lost = suspendedRun("lostRoute", "noSuchRoute", List.of(), ResumeTokens.hash(token));
        Exchange out = resume(lost.executionId(), token, "yes");
        assertThat(out.getException()).isInstanceOf(ResumeException.RouteNotFound.class)
                .hasMessageContaining("route 'noSuchRoute'");
        assertThat(repository.load(lost.executionId()).orElseThrow().status()).isEqualTo(FlowStatus.SUSPENDED);
    }

    @Test
    void whenTheTimeoutPassesTheRunContinuesOnTheTimeoutPath() {
        Map<?, ?> reply = template.requestBody("direct:timed", "order-11", Map.class);
        String id = (String) reply.get("executionId");
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        await().until(() -> {
            component.getMaintenance().runOnce();
            return repository.load(id).orElseThrow().status() == FlowStatus.COMPLETED;
        });
        FlowSnapshot done = repository.load(id).orElseThrow();
        assertThat(done.state().get("outcome").asText()).isEqualTo("timed out");
        assertThat(done.results().get("approval").isNull()).isTrue();
    }

    @Test
    void stepsInsideASplitRecordOneResultPerIteration() {
        Exchange out = template.request("direct:split", e -> e.getMessage().setBody(List.of("a", "b", "c")));
        assertThat(out.getException()).isNull();
        FlowSnapshot stored = stored(out);
        assertThat(stored.results().get("upper[0]").asText()).isEqualTo("A");
        assertThat(stored.results().get("upper[2]").asText()).isEqualTo("C");
        assertThat(stored.completedSteps()).contains("upper[0]", "upper[1]", "upper[2]", "afterSplit");
    }

    @Test
    void aRunWhoseNodeDiedIsRecoveredAfterItsLastCompletedStep() {
        // what a node leaves when it dies after completing "validate": RUNNING, lease expired long ago
        FlowSnapshot orphan = FlowSnapshot.builder()
                .executionId("01a20736-0000-7000-8000-0000000000aa").flowId("order").routeId("order")
                .status(FlowStatus.RUNNING).createdAt(Instant.now().minusSeconds(120))
                .input(JsonNodeFactory.instance.objectNode().put("body", "order-12").set("headers",
                        JsonNodeFactory.instance.objectNode()))
                .results(JsonNodeFactory.instance.objectNode().put("validate", "valid order-12"))
                .completedSteps(List.of("validate"))
                .leaseOwner("dead-node").leaseExpiresAt(Instant.now().minusSeconds(60))
                .build();
        repository.save(orphan, 0);

        context.getComponent("flowstate", FlowStateComponent.class).getMaintenance().runOnce();

        FlowSnapshot after = repository.load(orphan.executionId()).orElseThrow();
        // recovery continued it up to the approval step, which suspended it (a person must still approve)
        assertThat(after.status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(after.waitingFor()).isEqualTo("approval");
        assertThat(runs.get("validate")).isNull();
    }

    /** A step that is not the first thing in a split or loop still runs, and records its result, per iteration. */
    @Test
    void aStepAfterAnotherProcessorInASplitRunsForEveryItem() {
        Exchange out = template.request("direct:splitAfterHeader", e -> e.getMessage().setBody(List.of(1, 2, 3)));

        assertThat(out.getException()).isNull();
        assertThat(runs.get("charge").get()).isEqualTo(3);
        FlowSnapshot stored = stored(out);
        assertThat(stored.results().get("charge[0]").intValue()).isEqualTo(10);
        assertThat(stored.results().get("charge[2]").intValue()).isEqualTo(30);
        assertThat(stored.completedSteps()).contains("charge[0]", "charge[1]", "charge[2]").doesNotContain("charge");
    }

    @Test
    void aStepAfterAnotherProcessorInALoopRunsForEveryIteration() {
        Exchange out = template.request("direct:loopAfterHeader", e -> e.getMessage().setBody(0));

        assertThat(out.getException()).isNull();
        assertThat(runs.get("poll").get()).isEqualTo(3);
        assertThat(out.getMessage().getBody(Integer.class)).isEqualTo(3);
        assertThat(stored(out).completedSteps()).contains("poll[0]", "poll[1]", "poll[2]");
    }

    private Exchange resume(String id, String token, Object payload) {
        return template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, token);
            e.getMessage().setBody(payload);
        });
    }

    private FlowSnapshot suspendedRun(String name, String routeId, List<String> completed, String tokenHash) {
        FlowSnapshot run = FlowSnapshot.builder()
                .executionId("01a20736-0000-7000-8000-0000000" + Integer.toHexString(name.hashCode() & 0xfffff)
                        .concat("00000").substring(0, 5))
                .flowId("order").routeId(routeId).status(FlowStatus.SUSPENDED).createdAt(Instant.now())
                .completedSteps(completed).waitingFor("approval").resumeTokenHash(tokenHash).build();
        repository.save(run, 0);
        return run;
    }

    private FlowSnapshot stored(Exchange exchange) {
        return repository.load(exchange.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class))
                .orElseThrow();
    }

    private void count(String step) {
        runs.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:resume").to("flowstate:resume");

                from("direct:steps").routeId("steps")
                        .to("flowstate:start")
                        .step("double").setBody(e -> e.getMessage().getBody(Integer.class) * 2).end()
                        .step("addSix").setBody(e -> e.getMessage().getBody(Integer.class) + 6).end();

                from("direct:order").routeId("order")
                        .to("flowstate:start")
                        .step("validate")
                            .process(e -> count("validate"))
                            .setBody(simple("valid ${body}"))
                        .end()
                        .to("flowstate:set:order")
                        .to("flowstate:suspend:approval")
                        .setHeader("approver", body())
                        .step("ship")
                            .process(e -> count("ship"))
                            .to("flowstate:get:order")
                            .setBody(simple("shipped ${body.substring(6)} (${header.approver})"))
                        .end();

                from("direct:timed").routeId("timed")
                        .to("flowstate:start")
                        .to("flowstate:suspend:approval?timeout=PT0.05S")
                        .choice()
                            .when(header(FlowStateConstants.TIMED_OUT).isEqualTo(true))
                                .setBody(constant("timed out"))
                            .otherwise()
                                .setBody(constant("approved"))
                        .end()
                        .to("flowstate:set:outcome");

                from("direct:splitAfterHeader").routeId("splitAfterHeader")
                        .to("flowstate:start")
                        .split(body())
                            .setHeader("item", body())
                            .step("charge")
                                .process(e -> count("charge"))
                                .setBody(e -> e.getMessage().getHeader("item", Integer.class) * 10)
                            .end()
                        .end();
                from("direct:loopAfterHeader").routeId("loopAfterHeader")
                        .to("flowstate:start")
                        .loop(3)
                            .setHeader("round", simple("${exchangeProperty.CamelLoopIndex}"))
                            .step("poll")
                                .process(e -> count("poll"))
                                .setBody(e -> e.getMessage().getBody(Integer.class) + 1)
                            .end()
                        .end();
                from("direct:split").routeId("split")
                        .to("flowstate:start")
                        .split(body())
                            .step("upper").setBody(simple("${body.toUpperCase()}")).end()
                        .end()
                        .step("afterSplit").setBody(constant("done")).end();
            }
        };
    }
}
