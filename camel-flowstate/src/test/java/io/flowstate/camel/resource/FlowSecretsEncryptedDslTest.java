package io.flowstate.camel.resource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards secret state with an encryption key, in Java, YAML and XML routes on the default file repository: a value
 * from a property placeholder set under a secret key, and an input header of that name, are in no stored file in
 * clear (every file is read), the run reads them back after a resume, and the persistent scope stores them encrypted.
 */
class FlowSecretsEncryptedDslTest extends CamelTestSupport {

    static final String SECRET = "s3cr3t-api-key-4711";
    static final String HEADER_SECRET = "header-secret-0815";

    @TempDir
    Path data;

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties properties = new Properties();
        properties.put("test.apiKey", SECRET);
        configuration.withUseOverridePropertiesWithPropertiesComponent(properties);
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        FlowStateComponent flowstate = new FlowStateComponent();
        flowstate.setDataDirectory(data.toString());
        flowstate.setSecretKeys("apiKey, token");
        flowstate.setSecretKey(Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'B'));
        registry.bind("flowstate", flowstate);
    }

    private void load(RouteDsl dsl) throws Exception {
        dsl.load(context, "resource/secrets", new SecretsJavaDslRoutes());
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void secretValuesAreEncryptedInEveryStoredFileAndReadBackByTheResumedRun(RouteDsl dsl) throws Exception {
        load(dsl);

        Exchange suspended = template.request("direct:login", e -> {
            e.getMessage().setHeader("user", "ann");
            e.getMessage().setHeader("token", HEADER_SECRET);
        });

        assertThat(suspended.getException()).isNull();
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        String stored = allFiles();
        assertThat(stored).contains(id).contains("ann").contains("flowstate:secret:v1:")
                .doesNotContain(SECRET).doesNotContain(HEADER_SECRET);
        FlowSnapshot snapshot = context.getComponent("flowstate", FlowStateComponent.class).getRepository().load(id)
                .orElseThrow();
        assertThat(snapshot.state().get("apiKey").asText()).startsWith("flowstate:secret:v1:");

        Exchange reader = new org.apache.camel.support.DefaultExchange(context);
        assertThat(context.getComponent("flowstate", FlowStateComponent.class).getExecutions().restore(reader, id, null)
                .state().get("apiKey")).isEqualTo(SECRET);

        Exchange resumed = template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN,
                    suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN));
        });

        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo(SECRET);
        assertThat(resumed.getMessage().getHeader("token")).isEqualTo(HEADER_SECRET);
        assertThat(allFiles()).doesNotContain(SECRET).doesNotContain(HEADER_SECRET);
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void thePersistentScopeStoresSecretValuesEncryptedAndReadsThemBack(RouteDsl dsl) throws Exception {
        load(dsl);

        assertThat(template.requestBody("direct:rememberKey", "x")).isEqualTo(SECRET);
        assertThat(allFiles()).contains("flowstate:secret:v1:").doesNotContain(SECRET);
    }

    private String allFiles() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                all.append(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(all).isNotEmpty();
        return all.toString();
    }

}
