package io.flowstate.camel.execution;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotDelta;
import io.flowstate.camel.snapshot.HistoryEvent;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * flowstate:history from Java routes: what a run records (who started and resumed it, each step with its duration, the
 * suspend, the failure text), that each event rides in the delta of a save the run makes anyway, and that a long run
 * keeps only its last maxHistory events plus counts.
 */
class RunHistoryTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository() {
        @Override
        public long saveDelta(String executionId, FlowSnapshotDelta delta, long expectedVersion) {
            deltas.incrementAndGet();
            return super.saveDelta(executionId, delta, expectedVersion);
        }
    };
    private final AtomicInteger deltas = new AtomicInteger();

    @Override
    protected void bindToRegistry(Registry registry) {
        FlowStateComponent flowstate = new FlowStateComponent();
        flowstate.setRepository(repository);
        flowstate.setMaxHistory(5);
        registry.bind("flowstate", flowstate);
    }

    @Test
    void aRunRecordsWhoStartedAndResumedItEachStepAndItsFailure() {
        Exchange suspended = template.request("direct:approval", e -> {
            e.getMessage().setBody("order-1");
            e.getMessage().setHeader(FlowStateConstants.ACTOR, "alice");
        });
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        Exchange resumed = template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN,
                    suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN));
            e.getMessage().setHeader(FlowStateConstants.ACTOR, "bob");
            e.getMessage().setBody("rejected");
        });
        assertThat(resumed.getException()).hasMessageContaining("order refused");

        List<Map<String, Object>> events = history(id);

        assertThat(events).extracting(e -> e.get("type")).containsExactly("STARTED", "STEP_COMPLETED", "SUSPENDED",
                "RESUMED", "FAILED");
        assertThat(events.get(0)).containsEntry("actor", "alice").containsKey("at");
        assertThat(events.get(1)).containsEntry("step", "check");
        assertThat(((Number) events.get(1).get("durationMs")).longValue()).isNotNegative();
        assertThat(events.get(2)).containsEntry("name", "approval").containsEntry("timeout", "PT1H");
        assertThat(events.get(3)).containsEntry("name", "approval").containsEntry("actor", "bob");
        assertThat((String) events.get(4).get("error")).contains("order refused");
        assertThat(events).allSatisfy(e -> assertThat(e).doesNotContainKey("attempt"));
    }

    @Test
    void eachEventRidesInTheDeltaOfASaveTheRunMakesAnyway() {
        Exchange done = template.request("direct:three", e -> e.getMessage().setBody("x"));
        String id = done.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);

        // the first step's checkpoint saves the run whole, the second is one delta, the end one more that records the
        // third (the route's last): no write of its own for any of the STARTED, 3 STEP_COMPLETED and COMPLETED events
        assertThat(deltas).hasValue(2);
        assertThat(history(id)).extracting(e -> e.get("type")).containsExactly("STARTED", "STEP_COMPLETED",
                "STEP_COMPLETED", "STEP_COMPLETED", "COMPLETED");
    }

    @Test
    void aLongRunKeepsItsLastMaxHistoryEventsAndCountsEveryOne() {
        Exchange done = template.request("direct:loop", e -> e.getMessage().setBody("x"));
        String id = done.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);

        Exchange history = template.request("direct:history",
                e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> events = history.getMessage().getBody(List.class);
        assertThat(events).extracting(e -> e.get("step")).containsExactly("tick[36]", "tick[37]", "tick[38]",
                "tick[39]", null);
        assertThat(events.get(4)).containsEntry("type", "COMPLETED");
        assertThat(history.getMessage().getHeader(FlowStateConstants.HISTORY_COUNTS, Map.class))
                .isEqualTo(Map.of("STARTED", 1L, "STEP_COMPLETED", 40L, "COMPLETED", 1L));
        FlowSnapshot stored = repository.load(id).orElseThrow();
        assertThat(stored.historyEvents()).hasSize(5);
        assertThat(stored.historyCounts()).containsEntry(HistoryEvent.Type.STEP_COMPLETED, 40L);
    }

    @Test
    void theHistoryOfARunNotStoredIsRefusedNamingIt() {
        Exchange unknown = template.request("direct:history",
                e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, "01a20736-0000-7000-8000-0000000000ee"));
        assertThat(unknown.getException()).isInstanceOf(FlowRunNotFoundException.class)
                .hasMessageContaining("No run 01a20736-0000-7000-8000-0000000000ee is stored");

        Exchange missing = template.request("direct:history", e -> e.getMessage().setBody("x"));
        assertThat(missing.getException()).hasMessage(
                "flowstate:history needs the id of the run in header " + FlowStateConstants.EXECUTION_ID);
    }

    private List<Map<String, Object>> history(String id) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> events = template.requestBodyAndHeader("direct:history", null,
                FlowStateConstants.EXECUTION_ID, id, List.class);
        return events;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:history").to("flowstate:history");
                from("direct:resume").to("flowstate:resume");

                from("direct:approval").routeId("approval").to("flowstate:start")
                        .step("check").setBody(simple("checked ${body}")).end()
                        .to("flowstate:suspend:approval?timeout=PT1H")
                        .step("decide").process(e -> {
                            if ("rejected".equals(e.getMessage().getBody())) {
                                throw new IllegalStateException("order refused by the approver");
                            }
                        }).end();

                from("direct:three").routeId("three").to("flowstate:start")
                        .step("a").setBody(constant("a")).end()
                        .step("b").setBody(constant("b")).end()
                        .step("c").setBody(constant("c")).end();

                from("direct:loop").routeId("loop").to("flowstate:start")
                        .loop(40).step("tick").setBody(simple("${exchangeProperty.CamelLoopIndex}")).end().end();
            }
        };
    }
}
