package io.flowstate.camel.seed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.resource.ResourceCreationException;
import io.flowstate.camel.resource.RouteDsl;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Guards managed resources (a FlowResourceFactory declared instead of an instance) in Java, YAML and XML routes: created
 * once on the run's first use and shared by its steps and parallel branches, closed exactly once when the run
 * completes, suspends, sleeps or fails, created again after a resume or wake-up; an unmanaged resource is never closed;
 * a factory that throws fails the run naming the resource and the cause, with nothing left open. The close snapshot of
 * flowstate:complete lists every resource name.
 */
class FlowManagedResourcesDslTest {

    @TempDir
    Path dir;

    private final Sessions sessions = new Sessions();
    private final Sessions.Session plain = new Sessions.Session("plain");

    private SeedNode node(RouteDsl dsl) throws Exception {
        return SeedNode.start(dir, dsl, "seed/managed", new ManagedJavaDslRoutes(), null, Map.of(
                "sessionFactory", sessions, "brokenFactory", new Sessions.Broken(), "plainSession", plain));
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    @SuppressWarnings("unchecked")
    void oneInstanceIsSharedByStepsAndParallelBranchesAndClosedOnceWhenTheRunCompletes(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            Exchange out = node.request("direct:shared", "x", Map.of("items", List.of(1, 2, 3, 4)));

            assertThat(out.getException()).isNull();
            assertThat(sessions.created()).isEqualTo(1);
            assertThat(sessions.sessions().get(0).uses()).isEqualTo(5);
            assertThat(sessions.closed()).isEqualTo(1);
            assertThat(plain.uses()).isEqualTo(1);
            assertThat(plain.closeCount()).isZero();
            Map<?, ?> close = out.getMessage().getBody(Map.class);
            assertThat(close.get("status")).isEqualTo("COMPLETED");
            assertThat((List<Object>) close.get("resourceNames")).containsExactlyInAnyOrder("session", "plainSession");
            String id = out.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
            assertThat(node.component().getRepository().load(id).orElseThrow().resourceNames())
                    .containsExactlyInAnyOrder("session", "plainSession");
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aSuspendClosesTheResourceAndTheResumedRunCreatesItAgainAfterARestart(RouteDsl dsl) throws Exception {
        Map<?, ?> reply;
        try (SeedNode node = node(dsl)) {
            reply = node.request("direct:approve", "order").getMessage().getBody(Map.class);

            assertThat(sessions.created()).isEqualTo(1);
            assertThat(sessions.closed()).isEqualTo(1);
        }
        try (SeedNode node = node(dsl)) {
            Exchange resumed = node.request("direct:resume", "yes", Map.of(
                    FlowStateConstants.EXECUTION_ID, reply.get("executionId"),
                    FlowStateConstants.RESUME_TOKEN, reply.get("resumeToken")));

            assertThat(resumed.getException()).isNull();
            assertThat(resumed.getMessage().getBody()).isEqualTo("session-2-of-approve");
            assertThat(sessions.created()).isEqualTo(2);
            assertThat(sessions.closed()).isEqualTo(2);
            assertThat(sessions.sessions()).allSatisfy(s -> assertThat(s.closeCount()).isEqualTo(1));
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aSleepClosesTheResourceAndTheWokenRunCreatesItAgain(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            String id = (String) node.request("direct:nap", "x").getMessage().getBody(Map.class).get("executionId");
            assertThat(sessions.created()).isEqualTo(1);
            assertThat(sessions.closed()).isEqualTo(1);

            await().atMost(Duration.ofSeconds(30)).until(() -> {
                node.component().getMaintenance().runOnce();
                return node.component().getRepository().load(id).orElseThrow().status() == FlowStatus.COMPLETED;
            });

            assertThat(sessions.created()).isEqualTo(2);
            assertThat(sessions.closed()).isEqualTo(2);
            assertThat(node.component().getRepository().load(id).orElseThrow().results().get("afterNap").asText())
                    .isEqualTo("session-2-of-nap");
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aFactoryThatThrowsFailsTheRunNamingTheResourceAndLeavesNothingOpen(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            Exchange out = node.request("direct:broken", "x");

            assertThat(out.getException()).isInstanceOf(ResourceCreationException.class)
                    .hasMessageContaining("Managed resource 'browser'")
                    .hasMessageContaining("java.io.IOException: browser binary not found");
            assertThat(sessions.created()).isEqualTo(1);
            assertThat(sessions.closed()).isEqualTo(1);
        }
    }
}
