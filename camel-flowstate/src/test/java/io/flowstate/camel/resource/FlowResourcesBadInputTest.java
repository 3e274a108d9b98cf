package io.flowstate.camel.resource;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad resource declarations fail when the route starts, naming the option; a header of the wrong shape fails the run;
 * recovery of a run whose resources are gone leaves it as it was until they come back.
 */
class FlowResourcesBadInputTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
        registry.bind("flowGreeter", new Greeter("flow"));
    }

    @Test
    void aFlowResourceReferringToAMissingBeanFailsTheRouteNamingTheOption() {
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:bad").to("flowstate:start?resource.db=#noSuchBean");
            }
        })).isInstanceOf(FailedToCreateRouteException.class)
                .rootCause().hasMessageContaining("resource.db=#noSuchBean")
                .hasMessageContaining("bean 'noSuchBean', which the Camel registry does not hold");
    }

    @Test
    void resourceOptionsBelongOnStartAndTheResourceOperationNeedsAName() {
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:bad").to("flowstate:get:x?resource.db=#flowGreeter");
            }
        })).rootCause().hasMessageContaining("belongs on flowstate:start");
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:bad2").to("flowstate:resource");
            }
        })).rootCause().hasMessageContaining("flowstate:resource needs the name of the resource");
    }

    @Test
    void aResourcesHeaderThatIsNotAMapFailsTheRunClearly() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:start").to("flowstate:start");
            }
        });

        Exchange out = template.request("direct:start",
                e -> e.getMessage().setHeader(FlowStateConstants.RESOURCES, "db=pool"));

        assertThat(out.getException()).hasMessageContaining("must be a Map of resource name to live object");
    }

    @Test
    void getResourceGivesTheDefaultAndRequireResourceOfTheRightTypeTheResource() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:api").to("flowstate:start?resource.greeter=#flowGreeter").process(e -> {
                    FlowExecution run = FlowExecution.of(e);
                    e.getMessage().setBody(run.requireResource("greeter", Greeter.class).greet("ann") + "/"
                                           + run.getResource("missing", "fallback"));
                });
            }
        });

        assertThat(template.requestBody("direct:api", "x")).isEqualTo("flow ann/fallback");
    }

    @Test
    void recoveryOfARunWhoseResourcesAreGoneLeavesItAsItWasUntilTheyAreBound() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:job").routeId("job").to("flowstate:start")
                        .step("use").to("flowstate:resource:pool").setBody(simple("${body.prefix}")).end();
            }
        });
        FlowSnapshot orphan = FlowSnapshot.builder()
                .executionId("01a20736-0000-7000-8000-0000000000bb").flowId("job").routeId("job")
                .status(FlowStatus.RUNNING).createdAt(Instant.now().minusSeconds(120))
                .input(JsonNodeFactory.instance.objectNode().put("body", "x").set("headers",
                        JsonNodeFactory.instance.objectNode()))
                .resourceNames(List.of("pool"))
                .leaseOwner("dead-node").leaseExpiresAt(Instant.now().minusSeconds(60))
                .build();
        repository.save(orphan, 0);
        FlowSnapshot before = repository.load(orphan.executionId()).orElseThrow();
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);

        component.getMaintenance().runOnce();

        assertThat(repository.load(orphan.executionId()).orElseThrow()).isEqualTo(before);

        context.getRegistry().bind("pool", new Greeter("pooled"));
        component.getMaintenance().runOnce();

        FlowSnapshot after = repository.load(orphan.executionId()).orElseThrow();
        assertThat(after.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(after.results().get("use").asText()).isEqualTo("pooled");
    }
}
