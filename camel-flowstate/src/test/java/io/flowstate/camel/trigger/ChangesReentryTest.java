package io.flowstate.camel.trigger;

import java.time.Duration;
import java.util.List;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.awaitility.Awaitility.await;

/**
 * A run continued after a suspend or sleep (resume, timeout, wake-up) re-enters its route with its original input:
 * flowstate:changes there gives the items it gave the first time (recorded in the run), instead of diffing that input
 * again against the watermark the first exchange stored (which gave nothing, and with stopWhenEmpty ended the run).
 * The suspend step yields the resume payload, so the items go on in a header set after flowstate:changes.
 */
class ChangesReentryTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(org.apache.camel.spi.Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:poll").routeId("poll")
                        .to("flowstate:start:watch")
                        .to("flowstate:changes:seen?stopWhenEmpty=true")
                        .setHeader("items", body())
                        .to("flowstate:suspend:approve")
                        .split(header("items")).to("mock:item");
                from("direct:pollNoStop").routeId("pollNoStop")
                        .to("flowstate:start:watchNoStop")
                        .to("flowstate:changes:seen")
                        .setHeader("items", body())
                        .to("flowstate:suspend:approve?timeout=PT0.05S")
                        .split(header("items")).to("mock:item");
                from("direct:pollSleep").routeId("pollSleep")
                        .to("flowstate:start:watchSleep")
                        .to("flowstate:changes:seen?stopWhenEmpty=true")
                        .to("flowstate:sleep:nap?duration=PT0.05S")
                        .split(body()).to("mock:item");
                from("direct:resume").to("flowstate:resume");
            }
        };
    }

    @Test
    void aResumedRunGetsTheItemsItsFirstPassFound() throws Exception {
        MockEndpoint items = getMockEndpoint("mock:item");
        items.expectedMessageCount(0);
        Exchange suspended = template.request("direct:poll", e -> e.getMessage().setBody(List.of("a", "b")));
        assertThat(suspended.getException()).isNull();
        assertThat(suspended.getMessage().getHeader(FlowStateConstants.STATUS)).isEqualTo(FlowStatus.SUSPENDED);
        items.assertIsSatisfied();
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        String token = suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN, String.class);
        // the watermark holds a and b now: a second poll with the same items finds nothing and leaves no run
        assertThat(template.requestBody("direct:poll", List.of("a", "b"))).asInstanceOf(LIST).isEmpty();

        items.reset();
        items.expectedBodiesReceived("a", "b");
        Exchange resumed = template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, token);
            e.getMessage().setBody("ok");
        });

        assertThat(resumed.getException()).isNull();
        items.assertIsSatisfied();
        FlowSnapshot done = repository.load(id).orElseThrow();
        assertThat(done.status()).isEqualTo(FlowStatus.COMPLETED);
        // not a completed step: a resume does not ask the route for a step of that name
        assertThat(done.completedSteps()).containsExactly("approve");
        // the watermark was left as the first pass stored it: the next poll finds only what is new
        Exchange next = template.request("direct:poll", e -> e.getMessage().setBody(List.of("a", "b", "c")));
        assertThat(next.getMessage().getHeader("items")).asInstanceOf(LIST).containsExactly("c");
    }

    @Test
    void aTimedOutSuspendGivesTheLaterProcessorsTheItemsOfTheFirstPass() throws Exception {
        MockEndpoint items = getMockEndpoint("mock:item");
        items.expectedBodiesReceived("x", "y");
        Exchange suspended = template.request("direct:pollNoStop", e -> e.getMessage().setBody(List.of("x", "y")));
        assertThat(suspended.getException()).isNull();
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            component.getMaintenance().runOnce();
            return repository.load(id).orElseThrow().status() == FlowStatus.COMPLETED;
        });

        items.assertIsSatisfied();
    }

    @Test
    void aRunWokenUpAfterASleepGetsTheItemsOfTheFirstPass() throws Exception {
        MockEndpoint items = getMockEndpoint("mock:item");
        items.expectedBodiesReceived("p", "q");
        Exchange sleeping = template.request("direct:pollSleep", e -> e.getMessage().setBody(List.of("p", "q")));
        assertThat(sleeping.getException()).isNull();
        String id = sleeping.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            component.getMaintenance().runOnce();
            return repository.load(id).orElseThrow().status() == FlowStatus.COMPLETED;
        });

        items.assertIsSatisfied();
    }
}
