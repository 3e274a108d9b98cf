package io.flowstate.camel.durable;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.execution.ResumeException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Approval steps written the way users write them, in Java, YAML and XML ({@link ApprovalJavaRoutes},
 * {@code durable/approvals.yaml}, {@code durable/approvals.xml}): selfApproval=false and payloadSchema refuse a resume
 * without changing the stored run, a valid answer is recorded with its actor and time, and each onTimeout value does
 * what it says when the maintenance pass finds the timeout passed. The step after each approval reads
 * {@code .approvals.NAME} with the flowstate language.
 */
class ApprovalDslTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    private void load(DurableDsl dsl) throws Exception {
        dsl.load(context, "approvals", new ApprovalJavaRoutes());
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void theStarterCannotApproveTheirOwnRequestAndTheRunWaitsForSomeoneElse(DurableDsl dsl) throws Exception {
        load(dsl);
        Map<?, ?> suspend = start("direct:spend", Map.of("amount", 900), "alice");
        String id = (String) suspend.get("executionId");
        FlowSnapshot before = repository.load(id).orElseThrow();
        assertThat(before.startedBy()).isEqualTo("alice");

        Exchange self = resume(suspend, Map.of("approved", true), "alice");

        assertThat(self.getException()).isExactlyInstanceOf(ResumeException.SelfApproval.class)
                .hasMessageContaining("'managerApproval'").hasMessageContaining("'alice', who started the run")
                .hasMessageContaining("stays SUSPENDED");
        assertThat(self.getException().getStackTrace()).as("an expected refusal logs no trace").isEmpty();
        assertThat(repository.load(id).orElseThrow()).isEqualTo(before);

        Exchange anonymous = resume(suspend, Map.of("approved", true), null);

        assertThat(anonymous.getException()).isExactlyInstanceOf(ResumeException.SelfApproval.class)
                .hasMessageContaining("header " + FlowStateConstants.ACTOR);
        assertThat(repository.load(id).orElseThrow()).isEqualTo(before);

        Exchange bob = resume(suspend, Map.of("approved", true, "comment", "fine"), "bob");

        assertThat(bob.getException()).isNull();
        Map<?, ?> decided = bob.getMessage().getBody(Map.class);
        assertThat(decided.get("answer")).isEqualTo(Map.of("approved", true, "comment", "fine"));
        Map<?, ?> approval = (Map<?, ?>) decided.get("approval");
        assertThat(approval.get("actor")).isEqualTo("bob");
        assertThat(approval.get("timedOut")).isEqualTo(false);
        assertThat(Instant.parse((String) approval.get("at"))).isAfterOrEqualTo(before.updatedAt());
        FlowSnapshot done = repository.load(id).orElseThrow();
        assertThat(done.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(done.approvals().get("managerApproval").get("actor").asText()).isEqualTo("bob");
        assertThat(done.approvalRules()).as("the rules go with the wait").isNull();
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void aPayloadThatDoesNotMatchTheSchemaIsRefusedWithItsPath(DurableDsl dsl) throws Exception {
        load(dsl);
        Map<?, ?> suspend = start("direct:spend", Map.of("amount", 900), "alice");
        String id = (String) suspend.get("executionId");
        FlowSnapshot before = repository.load(id).orElseThrow();

        Exchange wrongType = resume(suspend, Map.of("approved", "yes"), "bob");

        assertThat(wrongType.getException()).isExactlyInstanceOf(ResumeException.InvalidPayload.class)
                .hasMessageContaining("classpath:durable/approval-schema.json")
                .hasMessageContaining("/approved: string found, boolean expected")
                .hasMessageContaining("stays SUSPENDED");
        assertThat(wrongType.getException().getStackTrace()).isEmpty();
        assertThat(repository.load(id).orElseThrow()).isEqualTo(before);

        Exchange missing = resume(suspend, Map.of("comment", "forgot to decide"), "bob");

        assertThat(missing.getException()).isExactlyInstanceOf(ResumeException.InvalidPayload.class)
                .hasMessageContaining("/: required property 'approved' not found");
        assertThat(repository.load(id).orElseThrow()).isEqualTo(before);

        // the token is still good for a payload that matches
        Exchange valid = resume(suspend, Map.of("approved", false), "bob");

        assertThat(valid.getException()).isNull();
        assertThat(repository.load(id).orElseThrow().status()).isEqualTo(FlowStatus.COMPLETED);
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void onTimeoutContinueGivesNullAndTheTimedOutHeader(DurableDsl dsl) throws Exception {
        load(dsl);
        String id = (String) start("direct:lateContinue", "order", null).get("executionId");

        FlowSnapshot done = awaitFinished(id);

        assertThat(done.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(done.results().get("continueApproval").isNull()).isTrue();
        assertThat(done.results().get("afterContinue").get("answer").isNull()).isTrue();
        assertThat(done.results().get("afterContinue").get("timedOutHeader").asBoolean()).isTrue();
        assertTimedOut(done.results().get("afterContinue").get("approval"));
        assertTimedOut(done.approvals().get("continueApproval"));
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void onTimeoutFailEndsTheRunFailedNamingTheApproval(DurableDsl dsl) throws Exception {
        load(dsl);
        String id = (String) start("direct:lateFail", "order", null).get("executionId");

        FlowSnapshot done = awaitFinished(id);

        assertThat(done.status()).isEqualTo(FlowStatus.FAILED);
        assertThat(done.failure()).contains("approval failApproval timed out after PT0.05S");
        assertThat(done.completedSteps()).doesNotContain("failApproval", "afterFail");
        assertTimedOut(done.approvals().get("failApproval"));
    }

    @ParameterizedTest
    @EnumSource(DurableDsl.class)
    void onTimeoutResumeGivesTheTimeoutPayloadAsIfSomeoneHadAnswered(DurableDsl dsl) throws Exception {
        load(dsl);
        String id = (String) start("direct:lateResume", "order", null).get("executionId");

        FlowSnapshot done = awaitFinished(id);

        assertThat(done.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(done.results().get("resumeApproval").toString())
                .isEqualTo("{\"approved\":false,\"comment\":\"nobody answered\"}");
        assertThat(done.results().get("afterResume").get("answer")).isEqualTo(done.results().get("resumeApproval"));
        assertTimedOut(done.results().get("afterResume").get("approval"));
        assertTimedOut(done.approvals().get("resumeApproval"));
    }

    private static void assertTimedOut(com.fasterxml.jackson.databind.JsonNode approval) {
        assertThat(approval.get("actor").isNull()).isTrue();
        assertThat(approval.get("timedOut").asBoolean()).isTrue();
        assertThat(Instant.parse(approval.get("at").asText())).isBeforeOrEqualTo(Instant.now());
    }

    /** Runs the maintenance pass until the run's timeout has passed and the run finished. */
    private FlowSnapshot awaitFinished(String id) {
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        await().until(() -> {
            component.getMaintenance().runOnce();
            return repository.load(id).orElseThrow().status().isFinished();
        });
        return repository.load(id).orElseThrow();
    }

    private Map<?, ?> start(String uri, Object body, String actor) {
        Map<String, Object> headers = new HashMap<>();
        if (actor != null) {
            headers.put(FlowStateConstants.ACTOR, actor);
        }
        Map<?, ?> reply = template.requestBodyAndHeaders(uri, body, headers, Map.class);
        assertThat(reply.get("resumeToken")).isNotNull();
        return reply;
    }

    private Exchange resume(Map<?, ?> suspend, Object payload, String actor) {
        return template.request("direct:resume", e -> {
            e.getMessage().setBody(payload);
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, suspend.get("executionId"));
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, suspend.get("resumeToken"));
            if (actor != null) {
                e.getMessage().setHeader(FlowStateConstants.ACTOR, actor);
            }
        });
    }
}
