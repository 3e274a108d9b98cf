package io.flowstate.camel.dsl;

import java.util.List;
import java.util.Map;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.support.InvalidIdentifierException;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guards DSL parity of the persistent scope: Java, YAML and XML routes keep values across runs in the repository,
 * namespaced by flow id (the route id, or the id flowstate:start names), with keys from header CamelFlowStateKey.
 */
class FlowStatePersistentScopeDslTest extends CamelTestSupport {

    private final FlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowStateRepository", repository);
    }

    private void load(Dsl dsl) throws Exception {
        dsl.load(context, "flowstate-persistent", new FlowStatePersistentJavaDslRoutes());
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void persistentIncrementCountsAcrossRunsInTheRepository(Dsl dsl) throws Exception {
        load(dsl);

        assertThat(template.requestBody("direct:persistentCounter", "run-1")).isEqualTo(1L);
        assertThat(template.requestBody("direct:persistentCounter", "run-2")).isEqualTo(2L);
        assertThat(template.requestBody("direct:persistentCounter", "run-3")).isEqualTo(3L);

        VersionedValue stored = repository.getValue("persistentCounter", "runs").orElseThrow();
        assertThat(stored.value().longValue()).isEqualTo(3L);
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void persistentKeyFromHeaderKeepsOneValuePerKey(Dsl dsl) throws Exception {
        load(dsl);

        assertThat(lastSeen("customer-1", "monday")).isEqualTo("never");
        assertThat(lastSeen("customer-1", "tuesday")).isEqualTo("monday");
        assertThat(lastSeen("customer-2", "wednesday")).isEqualTo("never");

        assertThat(repository.getValues("lastSeen")).containsOnlyKeys("customer-1", "customer-2");
        assertThat(repository.getValue("lastSeen", "customer-1").orElseThrow().value().textValue()).isEqualTo("tuesday");
        assertThat(repository.getValue("lastSeen", "customer-2").orElseThrow().value().textValue())
                .isEqualTo("wednesday");
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void invalidPersistentKeyFromHeaderFailsAndReachesNoRepository(Dsl dsl) throws Exception {
        load(dsl);

        assertThatThrownBy(() -> lastSeen("../other-flow/secret", "monday"))
                .isInstanceOf(CamelExecutionException.class)
                .cause()
                .isInstanceOf(InvalidIdentifierException.class)
                .hasMessageContaining("'../other-flow/secret'");
        assertThat(repository.getValues("lastSeen")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Dsl.class)
    void persistentAppendGetAllDeleteAndClearShareTheFlowNamedByStart(Dsl dsl) throws Exception {
        load(dsl);

        template.requestBody("direct:persistentList", "a");
        Object all = template.requestBody("direct:persistentList", "b");
        assertThat(all).isEqualTo(Map.of("seen", List.of("a", "b")));

        assertThat(template.requestBody("direct:persistentForget", "x")).isEqualTo(Map.of());
        assertThat(repository.getValues("persistentList")).isEmpty();

        template.requestBody("direct:persistentList", "c");
        assertThat(repository.getValues("persistentList")).containsOnlyKeys("seen");
        assertThat(template.requestBody("direct:persistentReset", "x")).isEqualTo(Map.of());
        assertThat(repository.getValues("persistentList")).isEmpty();
    }

    private Object lastSeen(String customer, String day) {
        return template.requestBodyAndHeader("direct:lastSeen", day, FlowStateConstants.KEY, customer);
    }
}
