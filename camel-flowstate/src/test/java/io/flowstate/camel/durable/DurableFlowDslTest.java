package io.flowstate.camel.durable;

import java.util.List;
import java.util.Map;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.execution.ResumeException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowSnapshotSummary;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import io.flowstate.camel.support.ResumeTokens;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Durable flows written the way users write them, in Java, YAML and XML (the same scenario in each, from
 * {@link DurableFlowJavaRoutes}, {@code durable/durable-flows.yaml} and {@code durable/durable-flows.xml}): branch-one,
 * branch-all, for-loop, while-loop, inner flows, approval with resume, suspend timeout and double resume. Every test
 * checks what the repository holds for the run, and bean {@code counter} proves that completed steps never run twice.
 */
class DurableFlowDslTest extends CamelTestSupport {

    private static final String ROUTES = "durable-flows";

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
    private final StepCounter counter = new StepCounter();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
        registry.bind("counter", counter);
        registry.bind("groupedBodies", new GroupedBodyAggregationStrategy());
    }

    private void load(DurableDsl dsl) throws Exception {
        dsl.load(context, ROUTES, new DurableFlowJavaRoutes());
    }

    // ------------------------------------------------------------------ branch-one

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void branchOneTakesTheBranchThatTheStepResultChooses(DurableDsl dsl) throws Exception {
        load(dsl);

        Exchange big = template.request("direct:branchOne", e -> e.getMessage().setBody(Map.of("id", "o-1", "amount", 250)));
        Exchange small = template.request("direct:branchOne", e -> e.getMessage().setBody(Map.of("id", "o-2", "amount", 40)));

        assertThat(big.getException()).isNull();
        assertThat(big.getMessage().getBody()).isEqualTo("manual review of 250");
        FlowSnapshot bigRun = stored(big);
        assertThat(bigRun.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(bigRun.completedSteps()).containsExactly("check", "manualReview");
        assertThat(bigRun.results().get("check").intValue()).isEqualTo(250);
        assertThat(bigRun.results().get("manualReview").asText()).isEqualTo("manual review of 250");

        assertThat(small.getMessage().getBody()).isEqualTo("auto approved 40");
        FlowSnapshot smallRun = stored(small);
        assertThat(smallRun.completedSteps()).containsExactly("check", "autoApprove");
        assertThat(smallRun.results().has("manualReview")).isFalse();

        assertThat(counter.count("check")).isEqualTo(2);
        assertThat(counter.count("manualReview")).isEqualTo(1);
        assertThat(counter.count("autoApprove")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ branch-all

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void branchAllRecordsEveryParallelBranchUnderItsIndexAndCollectsTheBodiesInBranchOrder(DurableDsl dsl)
            throws Exception {
        load(dsl);

        Exchange out = template.request("direct:branchAll", e -> e.getMessage().setBody("x"));

        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody()).isEqualTo(List.of("A:x", "B:x", "C:x"));
        FlowSnapshot run = stored(out);
        assertThat(run.status()).isEqualTo(FlowStatus.COMPLETED);
        // a step that is a multicast branch is keyed with the branch index
        assertThat(run.results().get("quoteA[0]").asText()).isEqualTo("A:x");
        assertThat(run.results().get("quoteB[1]").asText()).isEqualTo("B:x");
        assertThat(run.results().get("quoteC[2]").asText()).isEqualTo("C:x");
        assertThat(run.results().get("quotes").toString()).isEqualTo("[\"A:x\",\"B:x\",\"C:x\"]");
        // the branches ran in parallel: any order among them, the step after the multicast last
        assertThat(run.completedSteps()).hasSize(4).endsWith("quotes")
                .containsExactlyInAnyOrder("quoteA[0]", "quoteB[1]", "quoteC[2]", "quotes");
        assertThat(List.of(counter.count("quoteA"), counter.count("quoteB"), counter.count("quoteC")))
                .containsOnly(1);
    }

    // ------------------------------------------------------------------ for-loop

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void forLoopRecordsOneResultPerIteration(DurableDsl dsl) throws Exception {
        load(dsl);

        Exchange out = template.request("direct:forLoop", e -> e.getMessage().setBody(List.of("a", "b", "c")));

        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody()).isEqualTo(List.of("checked a", "checked b", "checked c"));
        FlowSnapshot run = stored(out);
        assertThat(run.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(run.completedSteps()).containsExactly("item[0]", "item[1]", "item[2]", "items");
        assertThat(run.results().get("item[0]").asText()).isEqualTo("checked a");
        assertThat(run.results().get("item[2]").asText()).isEqualTo("checked c");
        assertThat(run.results().has("item")).isFalse();
        assertThat(run.results().get("items").toString()).isEqualTo("[\"checked a\",\"checked b\",\"checked c\"]");
        assertThat(counter.count("item")).isEqualTo(3);
        assertThat(counter.count("items")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ while-loop

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void whileLoopRecordsOneResultPerIterationUntilItsConditionFails(DurableDsl dsl) throws Exception {
        load(dsl);

        Exchange out = template.request("direct:whileLoop", e -> e.getMessage().setBody("go"));

        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody()).isEqualTo("ticked 3 times");
        FlowSnapshot run = stored(out);
        assertThat(run.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(run.completedSteps()).containsExactly("tick[0]", "tick[1]", "tick[2]", "afterLoop");
        assertThat(run.results().get("tick[0]").intValue()).isEqualTo(1);
        assertThat(run.results().get("tick[2]").intValue()).isEqualTo(3);
        assertThat(run.state().get("ticks").intValue()).isEqualTo(3);
        assertThat(counter.count("tick")).isEqualTo(3);
    }

    // ------------------------------------------------------------------ inner flow

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void stepsOfAnInnerRouteAreRecordedInTheCallersRunBeforeTheCallingStep(DurableDsl dsl) throws Exception {
        load(dsl);

        Exchange out = template.request("direct:outer", e -> e.getMessage().setBody("x"));

        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody()).isEqualTo("finished x+a+b");
        FlowSnapshot run = stored(out);
        assertThat(run.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(run.flowId()).isEqualTo("outer");
        assertThat(run.routeId()).isEqualTo("outer");
        // the inner route's steps belong to the same run (no child run): they complete before the step calling them
        assertThat(run.completedSteps()).containsExactly("innerA", "innerB", "enrich", "finish");
        assertThat(run.results().get("innerA").asText()).isEqualTo("x+a");
        assertThat(run.results().get("enrich").asText()).isEqualTo("x+a+b");
        assertThat(run.parentExecutionId()).isNull();
        assertThat(allRuns()).hasSize(1);

        // the inner route called on its own carries no run: its steps run and nothing is stored
        assertThat(template.requestBody("direct:inner", "y")).isEqualTo("y+a+b");
        assertThat(allRuns()).hasSize(1);
        assertThat(counter.count("innerA")).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void aSuspendInsideAnInnerRouteSuspendsTheCallersRunAndTheResumeContinuesBothRoutes(DurableDsl dsl)
            throws Exception {
        load(dsl);

        Exchange suspended = template.request("direct:outerApproval", e -> e.getMessage().setBody("doc"));

        assertThat(suspended.getException()).isNull();
        Map<?, ?> reply = suspended.getMessage().getBody(Map.class);
        assertThat(reply.get("waitingFor")).isEqualTo("signature");
        String id = (String) reply.get("executionId");
        FlowSnapshot waiting = repository.load(id).orElseThrow();
        assertThat(waiting.status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(waiting.routeId()).isEqualTo("outerApproval");
        assertThat(waiting.completedSteps()).containsExactly("prepare", "draft");
        assertThat(counter.count("sign")).isZero();
        assertThat(counter.count("archive")).isZero();

        Exchange resumed = resume(id, (String) reply.get("resumeToken"), Map.of("by", "ann"));

        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo("archived signed by ann");
        FlowSnapshot done = repository.load(id).orElseThrow();
        assertThat(done.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(done.completedSteps())
                .containsExactly("prepare", "draft", "signature", "sign", "signing", "archive");
        assertThat(done.results().get("signing").asText()).isEqualTo("signed by ann");
        for (String step : List.of("prepare", "draft", "sign", "archive")) {
            assertThat(counter.count(step)).as(step).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void anInnerRouteWithItsOwnStartIsAChildRunThatSuspendsBothAndResumesThroughTheParent(DurableDsl dsl)
            throws Exception {
        load(dsl);

        Exchange suspended = template.request("direct:checkout", e -> e.getMessage().setBody("cart-1"));

        assertThat(suspended.getException()).isNull();
        Map<?, ?> reply = suspended.getMessage().getBody(Map.class);
        assertThat(reply.get("waitingFor")).isEqualTo("secureCode");
        String childId = (String) reply.get("executionId");
        FlowSnapshot child = repository.load(childId).orElseThrow();
        assertThat(child.flowId()).isEqualTo("payment");
        assertThat(child.status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(child.completedSteps()).containsExactly("charge");
        FlowSnapshot parent = repository.load(child.parentExecutionId()).orElseThrow();
        assertThat(parent.flowId()).isEqualTo("checkout");
        assertThat(parent.status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(parent.waitingFor()).isEqualTo("inner:" + childId);
        assertThat(parent.completedSteps()).containsExactly("basket");

        Exchange resumed = resume(childId, (String) reply.get("resumeToken"), Map.of("code", "4711"));

        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo("confirmed: receipt (code 4711)");
        FlowSnapshot childDone = repository.load(childId).orElseThrow();
        assertThat(childDone.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(childDone.completedSteps()).containsExactly("charge", "secureCode", "receipt");
        FlowSnapshot parentDone = repository.load(parent.executionId()).orElseThrow();
        assertThat(parentDone.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(parentDone.completedSteps()).containsExactly("basket", "payment", "confirmation");
        assertThat(parentDone.results().get("payment").asText()).isEqualTo("receipt (code 4711)");
        for (String step : List.of("basket", "charge", "receipt", "confirmation")) {
            assertThat(counter.count(step)).as(step).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void theFlowstateLanguageBranchesOnAnEarlierStepsResultAndTheRunsInput(DurableDsl dsl) throws Exception {
        load(dsl);

        Exchange vip = template.request("direct:scoring",
                e -> e.getMessage().setBody(Map.of("id", "c-1", "amount", 500, "vip", true)));
        Exchange small = template.request("direct:scoring",
                e -> e.getMessage().setBody(Map.of("id", "c-2", "amount", 50, "vip", true)));

        assertThat(vip.getException()).isNull();
        assertThat(vip.getMessage().getBody()).isEqualTo("priority c-1");
        assertThat(stored(vip).completedSteps()).containsExactly("score", "priority");
        assertThat(small.getMessage().getBody()).isEqualTo("standard c-2");
        assertThat(stored(small).completedSteps()).containsExactly("score", "standard");
    }

    // ------------------------------------------------------------------ approval with resume

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void approvalSuspendsAndTheResumeWithTheTokenRepliesWithTheFinalResult(DurableDsl dsl) throws Exception {
        load(dsl);

        Exchange suspended = template.request("direct:approval", e -> e.getMessage().setBody(Map.of("id", "o-7")));

        assertThat(suspended.getException()).isNull();
        Map<?, ?> reply = suspended.getMessage().getBody(Map.class);
        String id = (String) reply.get("executionId");
        String token = (String) reply.get("resumeToken");
        assertThat(reply.get("waitingFor")).isEqualTo("approval");
        assertThat(suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID)).isEqualTo(id);
        assertThat(suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN)).isEqualTo(token);
        assertThat(suspended.getMessage().getHeader(FlowStateConstants.WAITING_FOR)).isEqualTo("approval");
        assertThat(suspended.getMessage().getHeader(FlowStateConstants.STATUS)).isEqualTo(FlowStatus.SUSPENDED);
        FlowSnapshot waiting = repository.load(id).orElseThrow();
        assertThat(waiting.status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(waiting.waitingFor()).isEqualTo("approval");
        assertThat(waiting.completedSteps()).containsExactly("validate", "price");
        assertThat(waiting.state().get("orderId").asText()).isEqualTo("o-7");
        assertThat(waiting.resumeTokenHash()).isEqualTo(ResumeTokens.hash(token));

        Exchange resumed = resume(id, token, Map.of("approved", true, "by", "ann"));

        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo("shipped, approved by ann");
        FlowSnapshot done = repository.load(id).orElseThrow();
        assertThat(done.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(done.completedSteps()).containsExactly("validate", "price", "approval", "ship");
        assertThat(done.results().get("approval").get("by").asText()).isEqualTo("ann");
        assertThat(done.results().get("price").intValue()).isEqualTo(250);
        assertThat(counter.count("validate")).isEqualTo(1);
        assertThat(counter.count("price")).isEqualTo(1);
        assertThat(counter.count("ship")).isEqualTo(1);
        assertThat(counter.count("reject")).isZero();
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void aRefusalTakesTheOtherBranchAfterTheResume(DurableDsl dsl) throws Exception {
        load(dsl);
        Map<?, ?> reply = template.requestBody("direct:approval", Map.of("id", "o-8"), Map.class);

        Exchange resumed = resume((String) reply.get("executionId"), (String) reply.get("resumeToken"),
                Map.of("approved", false, "by", "bob"));

        assertThat(resumed.getMessage().getBody()).isEqualTo("rejected by bob");
        assertThat(repository.load((String) reply.get("executionId")).orElseThrow().completedSteps())
                .containsExactly("validate", "price", "approval", "reject");
        assertThat(counter.count("ship")).isZero();
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void aResumeReplaysSplitLoopAndMulticastFromTheirRecordedResultsWithoutRunningThemAgain(DurableDsl dsl)
            throws Exception {
        load(dsl);

        Map<?, ?> reply = template.requestBody("direct:replay", List.of("a", "b"), Map.class);
        String id = (String) reply.get("executionId");
        FlowSnapshot waiting = repository.load(id).orElseThrow();
        assertThat(waiting.status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(waiting.completedSteps()).hasSize(7).startsWith("line[0]", "line[1]", "round[0]", "round[1]",
                "round[2]").contains("legA[0]", "legB[1]");
        assertThat(waiting.results().get("legB[1]").asText()).isEqualTo("legB after 3 rounds");

        Exchange resumed = resume(id, (String) reply.get("resumeToken"), Map.of("by", "ann"));

        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo("done, approved by ann");
        FlowSnapshot done = repository.load(id).orElseThrow();
        assertThat(done.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(done.completedSteps()).hasSize(9).endsWith("replayApproval", "replayDone");
        assertThat(done.state().get("rounds").intValue()).isEqualTo(3);
        // every step before the suspend ran exactly once: the resume restored their results instead
        assertThat(counter.count("line")).isEqualTo(2);
        assertThat(counter.count("round")).isEqualTo(3);
        assertThat(counter.count("legA")).isEqualTo(1);
        assertThat(counter.count("legB")).isEqualTo(1);
        assertThat(counter.count("replayDone")).isEqualTo(1);
    }

    /**
     * Branch-all, then an approval: a multicast (also without aggregation strategy) and a split with an aggregation
     * strategy leave property CamelCorrelationId on the exchange after them; the suspend must not take that for
     * "inside a split or multicast".
     */
    @Test
    void aSuspendRightAfterAMulticastSuspendsTheRun() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:fanOutThenApprove").routeId("fanOutThenApprove")
                        .to("flowstate:start")
                        .multicast().aggregationStrategy("groupedBodies")
                            .step("fanA").setBody(constant("a")).end()
                            .step("fanB").setBody(constant("b")).end()
                        .end()
                        .to("flowstate:suspend:fanApproval");
            }
        });

        Exchange out = template.request("direct:fanOutThenApprove", e -> e.getMessage().setBody("x"));

        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getHeader(FlowStateConstants.STATUS)).isEqualTo(FlowStatus.SUSPENDED);
    }

    // ------------------------------------------------------------------ timeout

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void whenNobodyAnswersInTimeTheRunContinuesOnTheTimeoutBranch(DurableDsl dsl) throws Exception {
        load(dsl);

        Map<?, ?> reply = template.requestBody("direct:timed", "order", Map.class);
        String id = (String) reply.get("executionId");
        assertThat(repository.load(id).orElseThrow().wakeAt()).isNotNull();

        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        await().until(() -> {
            component.getMaintenance().runOnce();
            return repository.load(id).orElseThrow().status() == FlowStatus.COMPLETED;
        });

        FlowSnapshot done = repository.load(id).orElseThrow();
        assertThat(done.completedSteps()).containsExactly("prepareTimed", "slowApproval", "escalate");
        assertThat(done.results().get("slowApproval").isNull()).isTrue();
        assertThat(done.results().get("escalate").asText()).isEqualTo("escalated");
        assertThat(counter.count("prepareTimed")).isEqualTo(1);
        assertThat(counter.count("escalate")).isEqualTo(1);
        assertThat(counter.count("decide")).isZero();
    }

    // ------------------------------------------------------------------ double resume

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void aSecondResumeIsRefusedAndNothingRunsTwice(DurableDsl dsl) throws Exception {
        load(dsl);
        Map<?, ?> reply = template.requestBody("direct:approval", Map.of("id", "o-9"), Map.class);
        String id = (String) reply.get("executionId");
        String token = (String) reply.get("resumeToken");
        assertThat(resume(id, token, Map.of("approved", true, "by", "ann")).getException()).isNull();
        FlowSnapshot afterFirst = repository.load(id).orElseThrow();

        Exchange again = resume(id, token, Map.of("approved", false, "by", "eve"));

        assertThat(again.getException()).isInstanceOf(ResumeException.NotSuspended.class)
                .hasMessageContaining("is COMPLETED, not SUSPENDED");
        FlowSnapshot afterSecond = repository.load(id).orElseThrow();
        assertThat(afterSecond.version()).isEqualTo(afterFirst.version());
        assertThat(afterSecond.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(afterSecond.results().get("approval").get("by").asText()).isEqualTo("ann");
        assertThat(counter.count("validate")).isEqualTo(1);
        assertThat(counter.count("price")).isEqualTo(1);
        assertThat(counter.count("ship")).isEqualTo(1);
        assertThat(counter.count("reject")).isZero();
    }

    // ------------------------------------------------------------------ helpers

    private Exchange resume(String id, String token, Object payload) {
        return template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, token);
            e.getMessage().setBody(payload);
        });
    }

    private FlowSnapshot stored(Exchange exchange) {
        String id = exchange.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        assertThat(id).as("header " + FlowStateConstants.EXECUTION_ID).isNotNull();
        return repository.load(id).orElseThrow();
    }

    private List<FlowSnapshotSummary> allRuns() {
        return repository.find(FlowSnapshotQuery.builder().build()).items();
    }
}
