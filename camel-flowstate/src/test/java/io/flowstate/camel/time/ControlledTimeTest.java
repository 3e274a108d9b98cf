package io.flowstate.camel.time;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowStatus;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recipe of docs/testing-flows.md: a test gives the component a clock it moves forward, then runs a maintenance
 * pass itself. A 90-day sleep, a 24-hour approval timeout and the retention of finished runs each take a few
 * milliseconds of test time, on the file repository (the default), whose times all come from that clock.
 */
class ControlledTimeTest extends CamelTestSupport {

    private static final Instant START = Instant.parse("2030-01-01T09:00:00Z");

    @TempDir
    Path dataDirectory;

    private final TestClock clock = new TestClock(START);
    private final AtomicInteger billed = new AtomicInteger();

    @Override
    protected void bindToRegistry(Registry registry) {
        FlowStateComponent flowstate = new FlowStateComponent();
        flowstate.setClock(clock);
        flowstate.setDataDirectory(dataDirectory.toString());
        registry.bind("flowstate", flowstate);
    }

    @Test
    void aNinetyDaySleepEndsWhenTheClockHasMovedNinetyDays() {
        String id = executionId(template.request("direct:trial", e -> e.getMessage().setBody("ann")));
        FlowSnapshot sleeping = stored(id);
        assertThat(sleeping.status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(sleeping.wakeAt()).isEqualTo(START.plus(Duration.ofDays(90)));

        clock.advance(Duration.ofDays(90).minusSeconds(1));
        flowstate().runMaintenance();
        assertThat(stored(id).status()).as("one second before its end").isEqualTo(FlowStatus.SUSPENDED);
        assertThat(billed).hasValue(0);

        clock.advance(Duration.ofSeconds(1));
        flowstate().runMaintenance();

        FlowSnapshot done = stored(id);
        assertThat(done.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(done.updatedAt()).isEqualTo(START.plus(Duration.ofDays(90)));
        assertThat(billed).hasValue(1);
        assertThat(stateOf(id, "outcome")).isEqualTo("billed ann after the trial");
    }

    @Test
    void anApprovalNobodyAnswersTimesOutAfterTwentyFourHours() {
        String id = executionId(template.request("direct:order", e -> e.getMessage().setBody("order-7")));
        assertThat(stored(id).wakeAt()).isEqualTo(START.plus(Duration.ofHours(24)));

        clock.advance(Duration.ofHours(24).minusSeconds(1));
        flowstate().runMaintenance();
        assertThat(stored(id).status()).isEqualTo(FlowStatus.SUSPENDED);

        clock.advance(Duration.ofSeconds(1));
        flowstate().runMaintenance();

        assertThat(stored(id).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(stateOf(id, "decision")).isEqualTo("rejected order-7: nobody answered");
    }

    @Test
    void anApprovalAnsweredInTimeIsNotTimedOutLater() {
        Exchange suspended = template.request("direct:order", e -> e.getMessage().setBody("order-8"));
        String id = executionId(suspended);
        clock.advance(Duration.ofHours(23));
        template.request("flowstate:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN,
                    suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN));
            e.getMessage().setBody("ok by bob");
        });

        clock.advance(Duration.ofHours(2));
        flowstate().runMaintenance();

        FlowSnapshot done = stored(id);
        assertThat(done.updatedAt()).isEqualTo(START.plus(Duration.ofHours(23)));
        assertThat(stateOf(id, "decision")).isEqualTo("approved order-8: ok by bob");
    }

    @Test
    void aFinishedRunIsRemovedOnceTheRetentionHasPassedOnTheClock() {
        flowstate().setRetention(Duration.ofDays(7));
        String id = executionId(template.request("direct:trial", e -> e.getMessage().setBody("cy")));
        clock.advance(Duration.ofDays(90));
        flowstate().runMaintenance();
        assertThat(stored(id).status()).isEqualTo(FlowStatus.COMPLETED);

        clock.advance(Duration.ofDays(7).minusMinutes(1));
        flowstate().runMaintenance();
        assertThat(flowstate().getRepository().load(id)).as("a minute before its retention ends").isPresent();

        clock.advance(Duration.ofMinutes(2));
        flowstate().runMaintenance();
        assertThat(flowstate().getRepository().load(id)).isEmpty();
    }

    private FlowStateComponent flowstate() {
        return context.getComponent("flowstate", FlowStateComponent.class);
    }

    private FlowSnapshot stored(String id) {
        return flowstate().getRepository().load(id).orElseThrow();
    }

    private static String executionId(Exchange reply) {
        assertThat(reply.getException()).isNull();
        return reply.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
    }

    /** A stored run's state read as a user's test reads it: flowstate:restore, then the flowstate language. */
    private Object stateOf(String id, String key) {
        Map<?, ?> state = template.requestBodyAndHeader("direct:read", null, FlowStateConstants.EXECUTION_ID, id,
                Map.class);
        return state.get(key);
    }

    /** updatedBefore=PT1H on flowstate:runs means an hour before the component clock's now, not the system's. */
    @Test
    void aRunsQueryCountsItsDurationsBackFromTheComponentsClock() {
        String id = executionId(template.request("direct:order", e -> e.getMessage().setBody("order-9")));

        clock.advance(Duration.ofMinutes(59));
        assertThat(template.requestBody("direct:stale", null, List.class)).isEmpty();

        clock.advance(Duration.ofMinutes(2));
        assertThat(template.requestBody("direct:stale", null, List.class))
                .extracting(run -> ((Map<?, ?>) run).get("executionId")).containsExactly(id);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:trial").routeId("trial")
                        .to("flowstate:start")
                        .to("flowstate:sleep?duration=P90D")
                        .step("bill").process(e -> billed.incrementAndGet())
                        .setBody(simple("billed ${body} after the trial")).end()
                        .to("flowstate:set:outcome");

                from("direct:order").routeId("order")
                        .to("flowstate:start")
                        .setVariable("order", body())
                        .to("flowstate:suspend:approval?timeout=PT24H")
                        .choice()
                            .when(header(FlowStateConstants.TIMED_OUT))
                                .setBody(simple("rejected ${variable.order}: nobody answered"))
                            .otherwise()
                                .setBody(simple("approved ${variable.order}: ${body}"))
                        .end()
                        .to("flowstate:set:decision");

                from("direct:stale").to("flowstate:runs?status=SUSPENDED&updatedBefore=PT1H");

                from("direct:read")
                        .to("flowstate:restore")
                        .setBody().language("flowstate", ".state");
            }
        };
    }
}
