package io.flowstate.camel.resource;

import java.util.Map;

import javax.sql.DataSource;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the resource rules in Java, YAML and XML routes: lookup order (the run's own, the flow's, the registry), the
 * header taken off the message, required and optional lookups, clear errors for missing and mistyped resources,
 * names (never objects) in snapshots, and the check before a stored run continues that leaves it unchanged.
 */
class FlowResourcesDslTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
        registry.bind("flowGreeter", new Greeter("flow"));
        registry.bind("greeter", new Greeter("registry"));
        registry.bind("audit", new Greeter("audit"));
        registry.bind("asDataSource", (Processor) e -> FlowExecution.of(e).requireResource("greeter", DataSource.class));
    }

    private void load(RouteDsl dsl) throws Exception {
        dsl.load(context, "resource/resources", new ResourcesJavaDslRoutes());
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void theFlowsResourceComesBeforeTheRegistrysAndTheRunsOwnBeforeBoth(RouteDsl dsl) throws Exception {
        load(dsl);

        assertThat(template.requestBody("direct:registryGreet", "x")).isEqualTo("registry");
        assertThat(template.requestBody("direct:greet", "x")).isEqualTo("flow");
        assertThat(template.requestBodyAndHeader("direct:greet", "x", FlowStateConstants.RESOURCES,
                Map.of("greeter", new Greeter("own")))).isEqualTo("own");
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void theRunsOwnResourcesAreTakenOffTheMessageWhenItStarts(RouteDsl dsl) throws Exception {
        load(dsl);
        MockEndpoint started = getMockEndpoint("mock:started");
        started.expectedMessageCount(1);

        template.requestBodyAndHeader("direct:greet", "x", FlowStateConstants.RESOURCES,
                Map.of("greeter", new Greeter("own")));

        started.assertIsSatisfied();
        assertThat(started.getReceivedExchanges().get(0).getMessage().getHeaders())
                .doesNotContainKey(FlowStateConstants.RESOURCES);
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void anOptionalResourceThatIsMissingGivesANullBody(RouteDsl dsl) throws Exception {
        load(dsl);

        assertThat(template.requestBody("direct:optional", "x")).isNull();
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aMissingRequiredResourceNamesItWhereItWasLookedForAndWhatExists(RouteDsl dsl) throws Exception {
        load(dsl);

        Exchange out = template.request("direct:required", e -> e.getMessage().setHeader(FlowStateConstants.RESOURCES,
                Map.of("clock", "tick")));

        assertThat(out.getException()).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Resource 'nothing' not found for run")
                .hasMessageContaining("the run's own resources (header CamelFlowStateResources) [clock]")
                .hasMessageContaining("the flow's resources (resource.NAME options of flowstate:start) [greeter]")
                .hasMessageContaining("the Camel registry (no bean named 'nothing')");
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aResourceOfAnotherTypeThanRequiredFailsClearly(RouteDsl dsl) throws Exception {
        load(dsl);

        Exchange out = template.request("direct:wrongType", e -> e.getMessage().setBody("x"));

        assertThat(out.getException()).isInstanceOf(ResourceTypeException.class)
                .hasMessageContaining("Resource 'greeter'")
                .hasMessageContaining("is a " + Greeter.class.getName() + ", not a javax.sql.DataSource")
                .hasMessageContaining("the flow's resources");
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aSnapshotRecordsTheNamesOfTheResourcesAndNeverTheObjects(RouteDsl dsl) throws Exception {
        load(dsl);

        Exchange out = template.request("direct:saved", e -> {
            e.getMessage().setBody("x");
            e.getMessage().setHeader(FlowStateConstants.RESOURCES, Map.of("callback", new Greeter("secret-object")));
        });

        assertThat(out.getException()).isNull();
        FlowSnapshot stored = repository.load(out.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class))
                .orElseThrow();
        assertThat(stored.resourceNames()).containsExactly("callback", "greeter", "audit");
        assertThat(stored.state().get("note").asText()).isEqualTo("audit");
        String document = new String(new FlowSnapshotCodec().encode(stored, stored.version()), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(document).doesNotContain("secret-object").doesNotContain(Greeter.class.getName())
                .doesNotContain(FlowStateConstants.RESOURCES);
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aResumeWithoutTheRunsOwnResourceFailsAndLeavesTheRunAsItWasAndWithItContinues(RouteDsl dsl)
            throws Exception {
        load(dsl);
        Exchange suspended = template.request("direct:approve", e -> {
            e.getMessage().setBody("order");
            e.getMessage().setHeader(FlowStateConstants.RESOURCES, Map.of("callback", new Greeter("first")));
        });
        assertThat(suspended.getException()).isNull();
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        String token = suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN, String.class);
        FlowSnapshot before = repository.load(id).orElseThrow();
        assertThat(before.resourceNames()).containsExactly("callback", "greeter");
        assertThat(before.results().get("prepare").asText()).isEqualTo("first before");

        Exchange refused = resume(id, token, null);

        assertThat(refused.getException()).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Run " + id)
                .hasMessageContaining("[callback]")
                .hasMessageContaining("The run is left as it was");
        assertThat(repository.load(id).orElseThrow()).isEqualTo(before);

        Exchange resumed = resume(id, token, new Greeter("second"));

        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo("second after");
        FlowSnapshot done = repository.load(id).orElseThrow();
        assertThat(done.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(done.resourceNames()).containsExactly("callback", "greeter");
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aRestoreOfASuspendedRunChecksItsResourcesAndAFinishedRunIsOnlyRead(RouteDsl dsl) throws Exception {
        load(dsl);
        Exchange suspended = template.request("direct:approve", e -> {
            e.getMessage().setBody("order");
            e.getMessage().setHeader(FlowStateConstants.RESOURCES, Map.of("callback", new Greeter("first")));
        });
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        FlowSnapshot before = repository.load(id).orElseThrow();

        Exchange refused = template.request("direct:restore",
                e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id));
        assertThat(refused.getException()).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("[callback]");
        assertThat(repository.load(id).orElseThrow()).isEqualTo(before);

        Exchange restored = template.request("direct:restore", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESOURCES, Map.of("callback", new Greeter("again")));
        });
        assertThat(restored.getException()).isNull();
        assertThat(restored.getMessage().getBody()).isEqualTo("again");
        assertThat(restored.getMessage().getHeaders()).doesNotContainKey(FlowStateConstants.RESOURCES);
        assertThat(repository.load(id).orElseThrow()).isEqualTo(before);
    }

    private Exchange resume(String id, String token, Greeter callback) {
        return template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN, token);
            if (callback != null) {
                e.getMessage().setHeader(FlowStateConstants.RESOURCES, Map.of("callback", callback));
            }
            e.getMessage().setBody("ok");
        });
    }
}
