package io.flowstate.camel.seed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.resource.RouteDsl;
import io.flowstate.camel.state.RepositoryStateStore;
import io.flowstate.camel.support.InvalidIdentifierException;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guards the global scope in Java, YAML and XML routes: values at paths shared by every flow (written by one, read by
 * another, by the jq function global("…") and after a restart), the operations of every scope, keys from header
 * CamelFlowStateKey, secret paths never written in clear, and bad paths refused with nothing stored.
 */
class FlowGlobalDslTest {

    private static final String AES_KEY = Base64.getEncoder().encodeToString(
            "0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path dir;

    private SeedNode node(RouteDsl dsl) throws Exception {
        return SeedNode.start(dir, dsl, "seed/global", new GlobalJavaDslRoutes(), null, Map.of());
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aValueWrittenByOneFlowIsReadByAnotherAndByTheLanguageAlsoAfterARestart(RouteDsl dsl) throws Exception {
        Map<String, Object> config = Map.of("url", "https://crm.example", "retries", 3);
        try (SeedNode node = node(dsl)) {
            assertThat(node.request("direct:writeConfig", config).getException()).isNull();

            assertThat(node.request("direct:readConfig", null).getMessage().getBody()).isEqualTo(config);
            assertThat(node.request("direct:readConfigJq", null).getMessage().getBody())
                    .isEqualTo("https://crm.example");
        }
        try (SeedNode node = node(dsl)) {
            assertThat(node.request("direct:readConfig", null).getMessage().getBody()).isEqualTo(config);
            assertThat(node.component().getRepository().getValue(RepositoryStateStore.GLOBAL_NAMESPACE,
                    "team/crm/config")).isPresent();
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void incrementAppendDeleteGetAllAndHeaderKeysWorkAsInEveryScope(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            node.request("direct:countGlobal", null);
            Exchange counted = node.request("direct:countGlobal", null);
            node.request("direct:appendGlobal", "a");
            node.request("direct:appendGlobal", "b");
            node.request("direct:writeConfig", "cfg");
            Exchange byHeader = node.request("direct:byHeader", "v1",
                    Map.of(FlowStateConstants.KEY, "team/sales/region"));

            assertThat(counted.getMessage().getBody()).isEqualTo(2L);
            assertThat(byHeader.getException()).isNull();
            assertThat(byHeader.getMessage().getBody()).isEqualTo("v1");
            assertThat(node.request("direct:allGlobal", null).getMessage().getBody()).isEqualTo(Map.of(
                    "team/crm/calls", 2, "team/crm/log", List.of("a", "b"), "team/crm/config", "cfg",
                    "team/sales/region", "v1"));

            node.request("direct:deleteConfig", null);
            assertThat(node.request("direct:readConfig", null).getMessage().getBody()).isNull();
            assertThat(node.request("direct:readConfigJq", null).getMessage().getBody()).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void badPathsFailClearlyAndStoreNothing(RouteDsl dsl) throws Exception {
        try (SeedNode node = node(dsl)) {
            for (String bad : List.of("team/../etc", "..", "team//crm", "/team", "team/", "te\u0000am/x",
                    "team/" + "x".repeat(200), "team/ crm")) {
                Exchange out = node.request("direct:byHeader", "v", Map.of(FlowStateConstants.KEY, bad));
                assertThat(out.getException()).as(bad).isInstanceOf(InvalidIdentifierException.class)
                        .hasMessageContaining("The global path");
                assertThat(out.getException().getMessage()).doesNotContain("\u0000");
            }
            assertThat(node.component().getRepository().getValues(RepositoryStateStore.GLOBAL_NAMESPACE)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aSecretPathIsEncryptedInTheRepositoryAndReadBackInClear(RouteDsl dsl) throws Exception {
        try (SeedNode node = SeedNode.start(dir, dsl, "seed/global", new GlobalJavaDslRoutes(), c -> {
            c.setSecretKeys("team/crm/apiKey");
            c.setSecretKey(AES_KEY);
        }, Map.of())) {
            assertThat(node.request("direct:setSecret", "s3cr3t-value").getException()).isNull();

            assertThat(storedText()).contains("flowstate:secret:v1:").doesNotContain("s3cr3t-value");
            assertThat(((RepositoryStateStore) node.component().getExecutions().globalScope()).get("team/crm/apiKey"))
                    .isEqualTo("s3cr3t-value");
        }
    }

    @ParameterizedTest
    @EnumSource(RouteDsl.class)
    void aSecretPathWithoutAnEncryptionKeyIsRefusedAndNothingIsStored(RouteDsl dsl) throws Exception {
        try (SeedNode node = SeedNode.start(dir, dsl, "seed/global", new GlobalJavaDslRoutes(),
                c -> c.setSecretKeys("team/crm/apiKey"), Map.of())) {
            Exchange out = node.request("direct:setSecret", "s3cr3t-value");

            assertThat(out.getException()).hasMessageContaining("State key 'team/crm/apiKey' is secret")
                    .hasMessageContaining("secretKey").hasMessageContaining("Nothing was stored");
            assertThat(storedText()).doesNotContain("s3cr3t-value");
            assertThat(node.component().getRepository().getValues(RepositoryStateStore.GLOBAL_NAMESPACE)).isEmpty();
        }
    }

    @Test
    void aPathInTheUriOfAnotherScopeOrABadGlobalPathFailsWhenTheRouteStarts() {
        for (String uri : List.of("flowstate:get:team/crm", "flowstate:get:team//crm?scope=global",
                "flowstate:get:team/../x?scope=global", "flowstate:set:team/crm?scope=persistent")) {
            assertThatThrownBy(() -> {
                try (SeedNode node = SeedNode.start(dir, RouteDsl.JAVA, "unused", new org.apache.camel.builder.RouteBuilder() {
                    @Override
                    public void configure() {
                        from("direct:bad").to(uri);
                    }
                }, null, Map.of())) {
                    node.context();
                }
            }).as(uri).hasStackTraceContaining("is not valid");
        }
    }

    @Test
    void theJqFunctionRefusesAPathThatIsNotAString() throws Exception {
        try (SeedNode node = SeedNode.start(dir, RouteDsl.JAVA, "unused", new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("direct:jq").setBody(io.flowstate.camel.language.FlowStateLanguage.flowstate("global(1)"));
                from("direct:jqBad").setBody(io.flowstate.camel.language.FlowStateLanguage.flowstate("global(\"a/../b\")"));
            }
        }, null, Map.of())) {
            assertThat(node.request("direct:jq", null).getException())
                    .hasMessageContaining("global(path) takes a path string");
            assertThat(node.request("direct:jqBad", null).getException())
                    .hasMessageContaining("The global path 'a/../b' is not valid");
        }
    }

    private String storedText() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }
}
