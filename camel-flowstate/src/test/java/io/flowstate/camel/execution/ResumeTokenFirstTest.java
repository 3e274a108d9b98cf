package io.flowstate.camel.execution;

import java.util.LinkedHashMap;
import java.util.Map;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import io.flowstate.camel.support.ResumeTokens;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * flowstate:resume checks the token before it tells anything about the run: without the run's token, the answer is
 * the same whether the run does not exist, waits for a resume, sleeps, waits for an inner run or has finished. Only
 * the holder of the run's token learns where the run is.
 */
class ResumeTokenFirstTest extends CamelTestSupport {

    private static final String UNKNOWN = "01a20736-0000-7000-8000-00000000dead";

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void aWrongTokenGetsTheSameAnswerWhateverTheRun() {
        Map<String, String> runs = new LinkedHashMap<>();
        runs.put("unknown", UNKNOWN);
        runs.put("suspended", idOf(template.request("direct:approve", e -> e.getMessage().setBody("a"))));
        runs.put("sleeping", idOf(template.request("direct:sleepy", e -> e.getMessage().setBody("s"))));
        Map<?, ?> parentSuspend = template.requestBody("direct:parent", "p", Map.class);
        String parentId = (String) parentSuspend.get("executionId");
        resume(parentId, (String) parentSuspend.get("resumeToken")); // the parent goes on; its inner run suspends
        runs.put("waiting for its inner run", parentId);
        runs.put("completed", idOf(template.request("direct:done", e -> e.getMessage().setBody("d"))));

        runs.forEach((what, id) -> {
            FlowSnapshot before = repository.load(id).orElse(null);

            Throwable refused = refusal(id, ResumeTokens.newToken());

            assertThat(refused).as(what).isExactlyInstanceOf(ResumeException.InvalidToken.class);
            assertThat(refused.getMessage().replace(id, "ID")).as(what)
                    .isEqualTo("The resume token does not match run ID: use the token from the reply of its suspend"
                               + " step");
            assertThat(repository.load(id).orElse(null)).as(what).isEqualTo(before);
        });
    }

    @Test
    void theRunsTokenLearnsThatItSleeps() {
        Map<?, ?> suspend = template.requestBody("direct:approve", "a", Map.class);
        String id = (String) suspend.get("executionId");
        String token = (String) suspend.get("resumeToken");
        resume(id, token); // the run goes on and sleeps

        Throwable refused = refusal(id, token);

        assertThat(refused).isExactlyInstanceOf(ResumeException.NotSuspended.class)
                .hasMessageContaining("sleeps at 'nap' until").hasMessageContaining("a sleep cannot be resumed");
    }

    @Test
    void theRunsTokenLearnsThatItWaitsForItsInnerRun() {
        Map<?, ?> suspend = template.requestBody("direct:parent", "p", Map.class);
        String id = (String) suspend.get("executionId");
        String token = (String) suspend.get("resumeToken");
        // the run goes on and calls its inner flow, which suspends
        String innerId = (String) resume(id, token).get("executionId");

        Throwable refused = refusal(id, token);

        assertThat(refused).isExactlyInstanceOf(ResumeException.NotSuspended.class)
                .hasMessageContaining("waits for its inner run " + innerId);
    }

    @Test
    void expectedRefusalsCarryNoStackTraceToLog() {
        Map<?, ?> suspend = template.requestBody("direct:approve", "a", Map.class);
        String id = (String) suspend.get("executionId");
        String token = (String) suspend.get("resumeToken");
        resume(id, token);

        assertThat(refusal(id, ResumeTokens.newToken()).getStackTrace()).as("wrong token").isEmpty();
        assertThat(refusal(UNKNOWN, ResumeTokens.newToken()).getStackTrace()).as("unknown run").isEmpty();
        assertThat(refusal(id, token).getStackTrace()).as("resumed already").isEmpty();
    }

    /** What flowstate:resume replies. */
    private Map<?, ?> resume(String id, String token) {
        return template.requestBodyAndHeaders("direct:resume", "yes", Map.of(FlowStateConstants.EXECUTION_ID, id,
                FlowStateConstants.RESUME_TOKEN, token), Map.class);
    }

    /** Why flowstate:resume refuses. */
    private Throwable refusal(String id, String token) {
        return catchThrowableOfType(CamelExecutionException.class, () -> resume(id, token)).getCause();
    }

    private static String idOf(Exchange exchange) {
        assertThat(exchange.getException()).isNull();
        return exchange.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:resume").to("flowstate:resume");
                from("direct:approve").routeId("approve")
                        .to("flowstate:start")
                        .to("flowstate:suspend:approval")
                        .to("flowstate:sleep:nap?duration=PT1H");
                from("direct:sleepy").routeId("sleepy")
                        .to("flowstate:start")
                        .to("flowstate:sleep:nap?duration=PT1H");
                from("direct:parent").routeId("parent")
                        .to("flowstate:start:parent")
                        .to("flowstate:suspend:approval")
                        .to("direct:child");
                from("direct:child").routeId("child")
                        .to("flowstate:start:child")
                        .to("flowstate:suspend:review");
                from("direct:done").routeId("done")
                        .to("flowstate:start")
                        .step("only").setBody(constant("x")).end();
            }
        };
    }
}
