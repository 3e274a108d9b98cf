package io.flowstate.camel.resource;

import java.util.Properties;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards secret state without an encryption key, in Java, YAML and XML routes: snapshots hold a marker instead of the
 * value, the resumed run no longer has it, and the persistent scope refuses a secret it could only store in clear.
 */
class FlowSecretsRedactedDslTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties properties = new Properties();
        properties.put("test.apiKey", FlowSecretsEncryptedDslTest.SECRET);
        configuration.withUseOverridePropertiesWithPropertiesComponent(properties);
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        io.flowstate.camel.FlowStateComponent flowstate = new io.flowstate.camel.FlowStateComponent();
        flowstate.setRepository(repository);
        flowstate.setSecretKeys("apiKey,token");
        registry.bind("flowstate", flowstate);
    }

    private void load(RouteDsl dsl) throws Exception {
        dsl.load(context, "resource/secrets", new SecretsJavaDslRoutes());
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void snapshotsHoldAMarkerAndARestoredRunNoLongerHasTheValueUntilTheRouteSetsItAgain(RouteDsl dsl) throws Exception {
        load(dsl);

        Exchange suspended = template.request("direct:login", e -> {
            e.getMessage().setHeader("user", "ann");
            e.getMessage().setHeader("token", FlowSecretsEncryptedDslTest.HEADER_SECRET);
        });

        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        FlowSnapshot stored = repository.load(id).orElseThrow();
        assertThat(stored.state().get("apiKey").asText()).isEqualTo("flowstate:secret:redacted");
        assertThat(stored.state().get("user").asText()).isEqualTo("ann");
        assertThat(stored.input().get("headers").get("token").asText()).isEqualTo("flowstate:secret:redacted");
        assertThat(stored.toString() + stored.state() + stored.input())
                .doesNotContain(FlowSecretsEncryptedDslTest.SECRET)
                .doesNotContain(FlowSecretsEncryptedDslTest.HEADER_SECRET);

        // read back, the run no longer has the value: whatever needs it must set it again
        Exchange reader = new org.apache.camel.support.DefaultExchange(context);
        io.flowstate.camel.execution.FlowExecution restored = context
                .getComponent("flowstate", io.flowstate.camel.FlowStateComponent.class).getExecutions()
                .restore(reader, id, null);
        assertThat(restored.state().keys()).containsExactly("user");

        Exchange resumed = template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN,
                    suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN));
        });

        // the re-entered route sets it again from its property placeholder; the input header is gone
        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo(FlowSecretsEncryptedDslTest.SECRET);
        assertThat(resumed.getMessage().getHeaders()).doesNotContainKey("token");
        assertThat(repository.load(id).orElseThrow().state().get("apiKey").asText())
                .isEqualTo("flowstate:secret:redacted");
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void thePersistentScopeRefusesASecretItCannotEncryptAndStoresNothing(RouteDsl dsl) throws Exception {
        load(dsl);

        Exchange out = template.request("direct:rememberKey", e -> e.getMessage().setBody("x"));

        assertThat(out.getException()).hasMessageContaining("State key 'apiKey' is secret")
                .hasMessageContaining("set the component option secretKey")
                .hasMessageNotContaining(FlowSecretsEncryptedDslTest.SECRET);
        assertThat(repository.getValues("remembered")).isEmpty();
    }
}
