package io.flowstate.camel.seed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.execution.ResumeException;
import io.flowstate.camel.resource.RouteDsl;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.support.ResumeTokens;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Guards durable sleep (flowstate:sleep?duration=…) in Java, YAML and XML routes: the run is saved SUSPENDED with a
 * wake-up time and no resume token, its exchange stops, and the recovery task of a freshly started CamelContext
 * continues it once the time has passed, skipping the steps done and giving the body the sleep step had; a caller
 * cannot resume it; bad durations fail when the route starts.
 */
class FlowSleepDslTest {

    @TempDir
    Path dir;

    private final StepCounter prepare = new StepCounter();
    private final StepCounter finish = new StepCounter();

    private SeedNode node(RouteDsl dsl) throws Exception {
        return SeedNode.start(dir, dsl, "seed/sleep", new SleepJavaDslRoutes(), null,
                Map.of("prepareCounter", prepare, "finishCounter", finish));
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aSleepingRunIsContinuedByAFreshlyStartedCamelContextOnceTheTimeHasPassed(RouteDsl dsl) throws Exception {
        String id;
        try (SeedNode node = node(dsl)) {
            Exchange out = node.request("direct:sleepy", "order-1");

            assertThat(out.getException()).isNull();
            Map<?, ?> reply = out.getMessage().getBody(Map.class);
            id = (String) reply.get("executionId");
            assertThat(reply.get("waitingFor")).isEqualTo("sleep:sleep-1");
            assertThat(out.getMessage().getHeader(FlowStateConstants.STATUS)).isEqualTo(FlowStatus.SUSPENDED);
            FlowSnapshot sleeping = node.component().getRepository().load(id).orElseThrow();
            assertThat(sleeping.status()).isEqualTo(FlowStatus.SUSPENDED);
            assertThat(sleeping.resumeTokenHash()).isNull();
            assertThat(sleeping.leaseOwner()).isNull();
            assertThat(Duration.between(sleeping.createdAt(), sleeping.wakeAt())).isGreaterThanOrEqualTo(
                    Duration.ofSeconds(2));
            assertThat(sleeping.results().get("sleep-1").asText()).isEqualTo("prepared order-1");
            assertThat(finish.count()).isZero();
        }
        try (SeedNode node = node(dsl)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                node.component().getMaintenance().runOnce();
                return node.component().getRepository().load(id).orElseThrow().status() == FlowStatus.COMPLETED;
            });
            FlowSnapshot done = node.component().getRepository().load(id).orElseThrow();
            assertThat(done.state().get("outcome").asText()).isEqualTo("prepared order-1, then woken up");
            assertThat(done.completedSteps()).containsExactly("prepare", "sleep-1", "finish");
            assertThat(prepare.count()).isEqualTo(1);
            assertThat(finish.count()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void eachOfSeveralSleepsInOneRouteSleepsOnce(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            String id = (String) node.request("direct:naps", "x").getMessage().getBody(Map.class).get("executionId");

            await().atMost(Duration.ofSeconds(30)).until(() -> {
                node.component().getMaintenance().runOnce();
                return node.component().getRepository().load(id).orElseThrow().status() == FlowStatus.COMPLETED;
            });

            FlowSnapshot done = node.component().getRepository().load(id).orElseThrow();
            assertThat(done.completedSteps()).containsExactly("sleep-1", "between", "secondNap", "after");
            assertThat(done.results().get("after").asText()).isEqualTo("x+a+b");
            assertThat(done.results().get("secondNap").asText()).isEqualTo("x+a");
            assertThat(prepare.count()).isEqualTo(1);
            assertThat(finish.count()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aSleepingRunCannotBeResumedByACaller(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            String id = (String) node.request("direct:sleepy", "o").getMessage().getBody(Map.class).get("executionId");
            FlowSnapshot before = node.component().getRepository().load(id).orElseThrow();

            Exchange out = node.request("direct:resume", "now", Map.of(FlowStateConstants.EXECUTION_ID, id,
                    FlowStateConstants.RESUME_TOKEN, ResumeTokens.newToken()));

            // a sleep gives out no token: any token is a wrong one, and tells nothing about the run
            assertThat(out.getException()).isInstanceOf(ResumeException.InvalidToken.class)
                    .hasMessageContaining("does not match run " + id);
            assertThat(node.component().getRepository().load(id).orElseThrow().version()).isEqualTo(before.version());
        }
    }

    @Test
    void aMissingZeroNegativeOrInvalidDurationFailsWhenTheRouteStarts() {
        Map<String, String> expected = Map.of(
                "flowstate:sleep", "needs the duration of the sleep",
                "flowstate:sleep?duration=PT0S", "must be a positive ISO-8601 duration",
                "flowstate:sleep?duration=-PT5S", "must be a positive ISO-8601 duration",
                "flowstate:sleep?duration=soon", "Error binding property (duration=soon)",
                "flowstate:sleep:bad..name?duration=PT1S", "is not valid",
                "flowstate:suspend:approval?duration=PT1S", "belongs on flowstate:sleep");
        expected.forEach((uri, message) -> assertThatThrownBy(() -> SeedNode.start(dir, RouteDsl.JAVA, "unused",
                new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("direct:bad").to(uri);
                    }
                }, null, Map.of()).close()).as(uri).satisfies(e -> assertThat(rootMessage(e)).contains(message)));
    }

    private static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
