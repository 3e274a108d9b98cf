package io.flowstate.camel;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowstate.camel.execution.CheckpointPolicy;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import io.flowstate.camel.trigger.ChangeWatch;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Options checkpoint (of the component and of flowstate:start), mode and commit (of flowstate:changes) are enums: they
 * take exactly the values users write (afterEachStep, newOrChanged …), which the generated metadata lists for tooling;
 * any other value stops the route, or the application, with a message naming the option, the value and the allowed
 * values.
 */
class TypedOptionValuesTest extends CamelTestSupport {

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("repo", new MemoryFlowSnapshotRepository());
    }

    @Test
    void theValuesAreSpelledAsUsersWriteThem() {
        assertThat(written(CheckpointPolicy.values())).containsExactly("afterEachStep", "onSuspend", "manual");
        assertThat(written(ChangeWatch.Mode.values())).containsExactly("new", "newOrChanged");
        assertThat(written(ChangeWatch.Commit.values())).containsExactly("onCompletion", "immediate");
    }

    @Test
    void everyValueAsWrittenIsTakenByTheEndpoint() {
        for (CheckpointPolicy policy : CheckpointPolicy.values()) {
            assertThat(configuration("flowstate:start?checkpoint=" + policy).getCheckpoint()).isEqualTo(policy);
        }
        for (ChangeWatch.Mode mode : ChangeWatch.Mode.values()) {
            assertThat(configuration("flowstate:changes:seen?mode=" + mode).getMode()).isEqualTo(mode);
        }
        for (ChangeWatch.Commit commit : ChangeWatch.Commit.values()) {
            assertThat(configuration("flowstate:changes:seen?commit=" + commit).getCommit()).isEqualTo(commit);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "flowstate:start?checkpoint=sometimes | checkpoint must be afterEachStep, onSuspend or manual, was 'sometimes'",
            "flowstate:start?checkpoint=AFTER_EACH_STEP | checkpoint must be afterEachStep, onSuspend or manual, was"
                                                           + " 'AFTER_EACH_STEP'",
            "flowstate:changes:seen?mode=everything | mode must be new or newOrChanged, was 'everything'",
            "flowstate:changes:seen?commit=later | commit must be onCompletion or immediate, was 'later'" })
    void anEndpointValueNotAsWrittenStopsTheRoute(String uri, String expected) {
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:bad").routeId("bad").to(uri);
            }
        })).rootCause().hasMessage("The flowstate endpoint option " + expected);
        assertThat(context.getRoute("bad")).as("no route was left running").isNull();
    }

    @Test
    void theComponentCheckpointAsWrittenIsTakenFromProperties() {
        Main main = main("onSuspend");
        try {
            main.start();
            assertThat(main.getCamelContext().getComponent("flowstate", FlowStateComponent.class).getCheckpoint())
                    .isEqualTo(CheckpointPolicy.ON_SUSPEND);
        } finally {
            main.stop();
        }
    }

    @Test
    void aComponentCheckpointNotAsWrittenStopsTheApplication() {
        Main main = main("sometimes");
        try {
            assertThatThrownBy(main::start).hasStackTraceContaining(
                    "The flowstate component option checkpoint must be afterEachStep, onSuspend or manual, was"
                                                                   + " 'sometimes'");
        } finally {
            main.stop();
        }
    }

    @Test
    void theMetadataListsTheValuesAndTheirTypes() throws IOException {
        JsonNode metadata = metadata();
        assertOption(metadata.path("componentProperties").path("checkpoint"), CheckpointPolicy.values());
        assertOption(metadata.path("properties").path("checkpoint"), CheckpointPolicy.values());
        assertOption(metadata.path("properties").path("mode"), ChangeWatch.Mode.values());
        assertOption(metadata.path("properties").path("commit"), ChangeWatch.Commit.values());
    }

    // ------------------------------------------------------------------ helpers

    private FlowStateConfiguration configuration(String uri) {
        return context.getEndpoint(uri, FlowStateEndpoint.class).getConfiguration();
    }

    private static Main main(String checkpoint) {
        Main main = new Main();
        main.bind("repo", new MemoryFlowSnapshotRepository());
        main.addInitialProperty("camel.main.name", "typed-options");
        main.addInitialProperty("camel.component.flowstate.checkpoint", checkpoint);
        return main;
    }

    private static void assertOption(JsonNode option, Enum<?>[] values) {
        assertThat(option.path("type").asText()).isEqualTo("enum");
        assertThat(option.path("javaType").asText())
                .isEqualTo(values[0].getDeclaringClass().getName().replace('$', '.'));
        List<String> listed = option.path("enum").valueStream().map(JsonNode::asText).toList();
        assertThat(listed).isEqualTo(written(values));
    }

    private static List<String> written(Enum<?>[] values) {
        return Arrays.stream(values).map(Object::toString).toList();
    }

    static JsonNode metadata() throws IOException {
        try (InputStream in = TypedOptionValuesTest.class.getClassLoader()
                .getResourceAsStream("META-INF/io/flowstate/camel/flowstate.json")) {
            return new ObjectMapper().readTree(in);
        }
    }
}
