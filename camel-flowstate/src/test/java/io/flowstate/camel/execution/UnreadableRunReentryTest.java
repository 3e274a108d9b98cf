package io.flowstate.camel.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import io.flowstate.camel.state.SecretValues;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes sharing one repository, one of them configured with another secretKey or none: a run holding a secret value
 * it cannot decrypt is refused before it is claimed, by a resume, a passed timeout or recovery, so every run stays as
 * stored (status, version, resume token) and the node with the right key continues it later.
 */
class UnreadableRunReentryTest {

    private static final String SECRET = "s3cr3t-api-key-4711";
    private static final String RIGHT_KEY = key(1);
    private static final String OTHER_KEY = key(2);

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
    private final List<CamelContext> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(CamelContext::stop);
    }

    @Test
    void aResumeOnANodeWithAnotherOrNoKeyFailsClearlyAndLeavesTheRunForTheRightNode() throws Exception {
        CamelContext right = node("right", RIGHT_KEY);
        Map<?, ?> reply = right.createProducerTemplate().requestBody("direct:login", "ann", Map.class);
        String id = (String) reply.get("executionId");
        FlowSnapshot before = stored(id);
        assertThat(before.state().get("apiKey").asText()).startsWith("flowstate:secret:v1:");

        for (CamelContext wrong : List.of(node("other", OTHER_KEY), node("none", null))) {
            Exchange refused = resume(wrong, id, (String) reply.get("resumeToken"));

            assertThat(refused.getException()).as("resume on %s", wrong.getName())
                    .isInstanceOf(ResumeException.class)
                    .hasMessageContaining("Run " + id + " of flow 'login' cannot be continued on this node")
                    .hasMessageContaining("secretKey")
                    .hasMessageContaining("stays SUSPENDED at version " + before.version())
                    .hasMessageContaining("its resume token still valid");
            assertUnchanged(before);
        }

        Exchange resumed = resume(right, id, (String) reply.get("resumeToken"));
        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo(SECRET);
        assertThat(stored(id).status()).isEqualTo(FlowStatus.COMPLETED);
    }

    @Test
    void aSecretInputHeaderTheNodeCannotDecryptIsRefusedBeforeTheClaimToo() throws Exception {
        CamelContext right = node("right", RIGHT_KEY);
        Exchange suspended = right.createProducerTemplate().request("direct:headerOnly",
                e -> e.getMessage().setHeader("apiKey", SECRET));
        Map<?, ?> reply = suspended.getMessage().getBody(Map.class);
        String id = (String) reply.get("executionId");
        FlowSnapshot before = stored(id);
        assertThat(before.state().has("apiKey")).isFalse();

        Exchange refused = resume(node("other", OTHER_KEY), id, (String) reply.get("resumeToken"));

        assertThat(refused.getException()).isInstanceOf(ResumeException.class).hasMessageContaining(id)
                .hasMessageContaining("secretKey");
        assertUnchanged(before);
        Exchange resumed = resume(right, id, (String) reply.get("resumeToken"));
        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo(SECRET);
    }

    @Test
    void anInnerRunAndItsParentStaySuspendedWhenTheInnerRunCannotBeRead() throws Exception {
        CamelContext right = node("right", RIGHT_KEY);
        Map<?, ?> reply = right.createProducerTemplate().requestBody("direct:order", "order-1", Map.class);
        String childId = (String) reply.get("executionId");
        FlowSnapshot child = stored(childId);
        FlowSnapshot parent = stored(child.parentExecutionId());
        assertThat(parent.waitingFor()).isEqualTo("inner:" + childId);

        Exchange refused = resume(node("other", OTHER_KEY), childId, (String) reply.get("resumeToken"));

        assertThat(refused.getException()).isInstanceOf(ResumeException.class)
                .hasMessageContaining("Run " + childId + " of flow 'login' cannot be continued on this node");
        assertUnchanged(child);
        assertUnchanged(parent);
        Exchange resumed = resume(right, childId, (String) reply.get("resumeToken"));
        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo("ordered with " + SECRET);
        assertThat(stored(parent.executionId()).status()).isEqualTo(FlowStatus.COMPLETED);
    }

    @Test
    void aPassedTimeoutIsLeftDueUntilANodeThatCanReadTheRunContinuesIt() throws Exception {
        CamelContext right = node("right", RIGHT_KEY);
        Map<?, ?> reply = right.createProducerTemplate().requestBody("direct:timedLogin", "ann", Map.class);
        String id = (String) reply.get("executionId");
        FlowSnapshot before = stored(id);
        await().until(() -> !stored(id).wakeAt().isAfter(Instant.now()));

        maintenance(node("other", OTHER_KEY)).runOnce();

        assertUnchanged(before);
        maintenance(right).runOnce();
        FlowSnapshot done = stored(id);
        assertThat(done.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(done.state().get("outcome").asText()).isEqualTo("timed out");
    }

    @Test
    void aRunWhoseNodeDiedIsLeftToANodeThatCanReadIt() throws Exception {
        // what a node with the right key leaves when it dies mid-run: RUNNING, lease expired, a secret value in state
        FlowSnapshot orphan = FlowSnapshot.builder()
                .executionId("01a20736-0000-7000-8000-0000000000b1").flowId("login").routeId("login")
                .status(FlowStatus.RUNNING).createdAt(Instant.now().minusSeconds(120))
                .input(JsonNodeFactory.instance.objectNode().put("body", "ann")
                        .set("headers", JsonNodeFactory.instance.objectNode()))
                .state(JsonNodeFactory.instance.objectNode().set("apiKey",
                        SecretValues.of("apiKey", RIGHT_KEY).seal("apiKey", TextNode.valueOf(SECRET))))
                .leaseOwner("dead-node").leaseExpiresAt(Instant.now().minusSeconds(60))
                .build();
        repository.save(orphan, 0);
        FlowSnapshot before = stored(orphan.executionId());

        maintenance(node("other", OTHER_KEY)).runOnce();

        assertUnchanged(before);
        // the right node's first pass, at its start, may be the one that continues it
        CamelContext right = node("right", RIGHT_KEY);
        await().until(() -> {
            maintenance(right).runOnce();
            return stored(orphan.executionId()).status() == FlowStatus.SUSPENDED;
        });
        assertThat(stored(orphan.executionId()).waitingFor()).isEqualTo("approval");
    }

    private void assertUnchanged(FlowSnapshot before) {
        FlowSnapshot now = stored(before.executionId());
        assertThat(now.status()).as("status of %s", before.executionId()).isEqualTo(before.status());
        assertThat(now.version()).as("version of %s", before.executionId()).isEqualTo(before.version());
        assertThat(now.leaseOwner()).isEqualTo(before.leaseOwner());
        assertThat(now.waitingFor()).isEqualTo(before.waitingFor());
        assertThat(now.wakeAt()).isEqualTo(before.wakeAt());
        assertThat(now.resumeTokenHash()).isEqualTo(before.resumeTokenHash());
    }

    private FlowSnapshot stored(String id) {
        return repository.load(id).orElseThrow();
    }

    private static Exchange resume(CamelContext node, String id, String token) {
        return node.createProducerTemplate().request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, token);
        });
    }

    private static FlowMaintenance maintenance(CamelContext node) {
        return node.getComponent("flowstate", FlowStateComponent.class).getMaintenance();
    }

    private static String key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return Base64.getEncoder().encodeToString(key);
    }

    /** A node on the shared repository; {@code secretKey} null: apiKey is not configured as secret at all. */
    private CamelContext node(String name, String secretKey) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName(name);
        FlowStateComponent flowstate = context.getComponent("flowstate", FlowStateComponent.class);
        flowstate.setRepository(repository);
        if (secretKey != null) {
            flowstate.setSecretKeys("apiKey");
            flowstate.setSecretKey(secretKey);
        }
        // passes only when the test runs one
        flowstate.setRecoveryInterval(Duration.ofHours(1));
        flowstate.setLeaseDuration(Duration.ofHours(3));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:resume").to("flowstate:resume");
                from("direct:login").routeId("login")
                        .to("flowstate:start:login")
                        .setBody(constant(SECRET)).to("flowstate:set:apiKey")
                        .to("flowstate:suspend:approval")
                        .to("flowstate:get:apiKey");
                from("direct:headerOnly").routeId("headerOnly")
                        .to("flowstate:start:headerOnly")
                        .to("flowstate:suspend:approval")
                        .setBody(header("apiKey"));
                from("direct:order").routeId("order")
                        .to("flowstate:start:order")
                        .step("signIn").to("direct:login").end()
                        .setBody(simple("ordered with ${body}"));
                from("direct:timedLogin").routeId("timedLogin")
                        .to("flowstate:start:timedLogin")
                        .setBody(constant(SECRET)).to("flowstate:set:apiKey")
                        .to("flowstate:suspend:approval?timeout=PT0.05S")
                        .choice()
                            .when(header(FlowStateConstants.TIMED_OUT).isEqualTo(true))
                                .setBody(constant("timed out")).to("flowstate:set:outcome")
                        .end();
            }
        });
        context.start();
        nodes.add(context);
        return context;
    }
}
