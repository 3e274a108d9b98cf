package io.flowstate.camel.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.CountingRepository;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.HistoryEvent;
import io.flowstate.camel.snapshot.RepositoryUnavailableException;
import io.flowstate.camel.snapshot.jdbc.JdbcTestStores;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import io.flowstate.camel.time.TestClock;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many times a run is loaded and written, counted on real repositories: a resume claims the run with the suspend
 * step's result (the step then writes nothing), and the last step of a route that carries the run alone is recorded by
 * the write that completes the run. Where something may run between the last step and the completion (a processor
 * after it, a calling route, a split), the step keeps its own checkpoint.
 */
class CheckpointWritesTest {

    private CamelContext context;
    private ProducerTemplate template;
    private CountingRepository repository;
    private JdbcTestStores.Store store;
    private final TestClock clock = new TestClock(Instant.parse("2026-12-08T00:00:00Z"));
    /** How often each step's body ran, by step id. */
    private final Map<String, AtomicInteger> ran = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
        if (store != null) {
            store.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "memory", "postgres" })
    void aResumeUntilTheRunCompletesLoadsOnceAndWritesTwice(String kind) throws Exception {
        start(kind);
        Map<?, ?> reply = template.requestBody("direct:approval", "order-7", Map.class);
        String id = (String) reply.get("executionId");
        repository.reset();

        Exchange resumed = resume(id, (String) reply.get("resumeToken"), "ann");

        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo("shipped, approved by ann");
        // the claim (with the approval's result) and the completion (with step ship)
        assertThat(repository.loads()).isEqualTo(1);
        assertThat(repository.writes()).isEqualTo(2);
        FlowSnapshot stored = repository.load(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(stored.completedSteps()).containsExactly("validate", "approval", "ship");
        assertThat(stored.results().get("approval").asText()).isEqualTo("ann");
        assertThat(stored.results().get("ship").asText()).isEqualTo("shipped, approved by ann");
        assertThat(stored.state().get("order").asText()).isEqualTo("valid order-7");
        assertThat(stored.approvals().get("approval").get("timedOut").asBoolean()).isFalse();
        assertThat(stored.historyEvents()).extracting(HistoryEvent::type).containsExactly(HistoryEvent.Type.STARTED,
                HistoryEvent.Type.STEP_COMPLETED, HistoryEvent.Type.SUSPENDED, HistoryEvent.Type.RESUMED,
                HistoryEvent.Type.STEP_COMPLETED, HistoryEvent.Type.COMPLETED);
        assertThat(ran.get("ship")).hasValue(1);
    }

    @ParameterizedTest
    @ValueSource(strings = { "memory", "postgres" })
    void theLastStepOfARouteIsRecordedByTheCompletion(String kind) throws Exception {
        start(kind);
        Exchange out = template.request("direct:tenSteps", e -> e.getMessage().setBody(0));

        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody()).isEqualTo(10);
        // steps s1 (the run's first save) to s9, and the completion that records s10
        assertThat(repository.writes()).isEqualTo(10);
        FlowSnapshot stored = stored(out);
        assertThat(stored.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(stored.completedSteps()).hasSize(10).endsWith("s10");
        assertThat(stored.results().get("s10").intValue()).isEqualTo(10);
        assertThat(stored.historyEvents()).extracting(HistoryEvent::type).endsWith(HistoryEvent.Type.STEP_COMPLETED,
                HistoryEvent.Type.COMPLETED);
    }

    @Test
    void aTimedOutApprovalIsClaimedWithItsTimeoutPayloadAndCompletedInOneMoreWrite() throws Exception {
        start("memory");
        String id = (String) template.requestBody("direct:late", "order-8", Map.class).get("executionId");
        repository.reset();

        clock.advance(Duration.ofMinutes(2)); // past the suspend's timeout
        context.getComponent("flowstate", FlowStateComponent.class).runMaintenance();

        FlowSnapshot stored = repository.load(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(stored.results().get("late").booleanValue()).isFalse();
        assertThat(stored.results().get("afterLate").asText()).isEqualTo("approved: false");
        assertThat(stored.approvals().get("late").get("timedOut").asBoolean()).isTrue();
        // the claim (with the timeout's payload as the step's result) and the completion (with step afterLate)
        assertThat(repository.writes()).isEqualTo(2);
    }

    @Test
    void aTimeoutWhoseStepsOfThatNameDisagreeIsRecordedByTheStep() throws Exception {
        start("memory");
        String id = (String) template.requestBody("direct:either", "order-9", Map.class).get("executionId");
        repository.reset();

        clock.advance(Duration.ofMinutes(2));
        context.getComponent("flowstate", FlowStateComponent.class).runMaintenance();

        FlowSnapshot stored = repository.load(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(stored.results().get("either").isNull()).isTrue();
        // two routes suspend at 'either', one continuing with null, one with a payload: which one the run reaches is
        // known only there, so the claim, then the step's own checkpoint, then the completion
        assertThat(repository.writes()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = { "yaml", "xml" })
    void theRuleHoldsInYamlAndXmlRoutes(String dsl) throws Exception {
        start("memory");
        String route = dsl.equals("yaml") ? """
                - route:
                    id: written
                    from:
                      uri: direct:written
                      steps:
                        - to: flowstate:start
                        - step:
                            id: w1
                            steps:
                              - setBody:
                                  constant: one
                        - step:
                            id: w2
                            steps:
                              - setBody:
                                  constant: two
                """ : """
                <routes xmlns="http://camel.apache.org/schema/xml-io">
                  <route id="written">
                    <from uri="direct:written"/>
                    <to uri="flowstate:start"/>
                    <step id="w1"><setBody><constant>one</constant></setBody></step>
                    <step id="w2"><setBody><constant>two</constant></setBody></step>
                  </route>
                </routes>
                """;
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("written." + dsl, route));

        Exchange out = template.request("direct:written", e -> e.getMessage().setBody(0));

        assertThat(out.getException()).isNull();
        // w1 (the run's first save), the completion that records w2
        assertThat(repository.writes()).isEqualTo(2);
        assertThat(stored(out).completedSteps()).containsExactly("w1", "w2");
        assertThat(stored(out).status()).isEqualTo(FlowStatus.COMPLETED);
    }

    @Test
    void aStepFollowedByAnotherProcessorKeepsItsCheckpoint() throws Exception {
        start("memory");
        Exchange out = template.request("direct:followed", e -> e.getMessage().setBody(0));

        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getHeader("after")).isEqualTo("yes");
        // a (the run's first save), b, the completion
        assertThat(repository.writes()).isEqualTo(3);
        assertThat(stored(out).completedSteps()).containsExactly("a", "b");
    }

    @Test
    void theLastStepOfAFlowCalledFromAnotherRouteKeepsItsCheckpoint() throws Exception {
        start("memory");
        Exchange alone = template.request("direct:called", e -> e.getMessage().setBody(0));
        assertThat(alone.getException()).isNull();
        assertThat(repository.writes()).as("called alone: its last step is recorded by the completion").isEqualTo(2);
        repository.reset();

        Exchange called = template.request("direct:caller", e -> e.getMessage().setBody(0));

        assertThat(called.getException()).isNull();
        assertThat(called.getMessage().getHeader("caller")).isEqualTo("went on");
        // the calling route goes on after the flow's last step: it keeps its checkpoint
        assertThat(repository.writes()).isEqualTo(3);
        assertThat(stored(called).completedSteps()).containsExactly("c1", "c2");
        assertThat(stored(called).status()).isEqualTo(FlowStatus.COMPLETED);
    }

    @Test
    void theLastStepInsideASplitKeepsItsCheckpoint() throws Exception {
        start("memory");
        Exchange out = template.request("direct:split", e -> e.getMessage().setBody(List.of(1, 2)));

        assertThat(out.getException()).isNull();
        // item[0] (the run's first save), item[1], the completion
        assertThat(repository.writes()).isEqualTo(3);
        assertThat(stored(out).completedSteps()).containsExactly("item[0]", "item[1]");
    }

    @Test
    void aFailedCompletionFailsTheExchangeAndRecoveryRunsTheLastStepAgain() throws Exception {
        start("memory");
        Map<?, ?> reply = template.requestBody("direct:approval", "order-7", Map.class);
        String id = (String) reply.get("executionId");
        repository.refuseNext(delta -> delta.status() == FlowStatus.COMPLETED);

        Exchange resumed = resume(id, (String) reply.get("resumeToken"), "ann");

        // as when the step's own checkpoint fails: the caller gets the repository's error, the run stays as stored
        // before the step
        assertThat(resumed.getException()).isInstanceOf(RepositoryUnavailableException.class)
                .hasMessageContaining("refused by the test");
        FlowSnapshot stored = repository.load(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(FlowStatus.RUNNING);
        assertThat(stored.completedSteps()).containsExactly("validate", "approval");
        assertThat(ran.get("ship")).hasValue(1);

        clock.advance(Duration.ofMinutes(1)); // past the lease of the node that held it
        context.getComponent("flowstate", FlowStateComponent.class).runMaintenance();

        FlowSnapshot recovered = repository.load(id).orElseThrow();
        assertThat(recovered.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(recovered.completedSteps()).containsExactly("validate", "approval", "ship");
        assertThat(recovered.results().get("approval").asText()).isEqualTo("ann");
        assertThat(ran.get("ship")).hasValue(2);
    }

    @Test
    void aFailedCompletionFailsTheExchangeThatStartedTheRun() throws Exception {
        start("memory");
        repository.refuseNext(delta -> delta.status() == FlowStatus.COMPLETED);

        Exchange out = template.request("direct:tenSteps", e -> e.getMessage().setBody(0));

        assertThat(out.getException()).isInstanceOf(RepositoryUnavailableException.class)
                .hasMessageContaining("refused by the test");
        FlowSnapshot stored = stored(out);
        assertThat(stored.status()).isEqualTo(FlowStatus.RUNNING);
        assertThat(stored.completedSteps()).hasSize(9).doesNotContain("s10");
    }

    private void start(String kind) throws Exception {
        FlowSnapshotRepository real;
        if (kind.equals("postgres")) {
            store = JdbcTestStores.postgres();
            real = store.newRepository();
        } else {
            real = new MemoryFlowSnapshotRepository();
        }
        repository = new CountingRepository(real);
        context = new DefaultCamelContext();
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        component.setRepository(repository);
        component.setClock(clock);
        component.setRecoveryInterval(Duration.ofHours(1)); // maintenance runs when the test says
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:approval").routeId("approval")
                        .to("flowstate:start")
                        .step("validate").setBody(simple("valid ${body}")).end()
                        .to("flowstate:set:order")
                        .to("flowstate:suspend:approval")
                        .step("ship").process(e -> count("ship")).setBody(simple("shipped, approved by ${body}"))
                        .end();
                from("direct:resume").to("flowstate:resume");

                from("direct:late").routeId("late")
                        .to("flowstate:start")
                        .to("flowstate:suspend:late?timeout=PT1M&onTimeout=resume&timeoutPayload=false")
                        .step("afterLate").setBody(simple("approved: ${body}")).end();
                from("direct:either").routeId("either")
                        .to("flowstate:start")
                        .to("flowstate:suspend:either?timeout=PT1M")
                        .step("afterEither").setBody(constant("went on")).end();
                from("direct:eitherToo").routeId("eitherToo")
                        .to("flowstate:start")
                        .to("flowstate:suspend:either?timeout=PT1M&onTimeout=resume&timeoutPayload=1")
                        .step("afterEitherToo").setBody(constant("went on")).end();

                RouteDefinition steps = from("direct:tenSteps").routeId("tenSteps").to("flowstate:start");
                for (int i = 1; i <= 10; i++) {
                    steps.step("s" + i).setBody(simple("${body}++")).end();
                }

                from("direct:followed").routeId("followed").to("flowstate:start")
                        .step("a").setBody(constant(1)).end()
                        .step("b").setBody(constant(2)).end()
                        .setHeader("after", constant("yes"));

                from("direct:caller").routeId("caller")
                        .to("direct:called")
                        .setHeader("caller", constant("went on"));
                from("direct:called").routeId("called").to("flowstate:start")
                        .step("c1").setBody(constant(1)).end()
                        .step("c2").setBody(constant(2)).end();

                from("direct:split").routeId("split").to("flowstate:start")
                        .split(body())
                        .step("item").setBody(simple("${body}")).end()
                        .end();
            }
        });
        context.start();
        template = context.createProducerTemplate();
        repository.reset();
    }

    private void count(String step) {
        ran.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet();
    }

    private Exchange resume(String id, String token, String payload) {
        return template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, token);
            e.getMessage().setBody(payload);
        });
    }

    private FlowSnapshot stored(Exchange out) {
        return repository.load(out.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class))
                .orElseThrow();
    }
}
