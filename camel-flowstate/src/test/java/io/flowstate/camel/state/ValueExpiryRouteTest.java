package io.flowstate.camel.state;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code flowstate:set?ttl=} in the persistent and global scopes, through routes on the file repository: the value
 * reads as present, then as absent once its time has passed, and the maintenance pass removes it from the store.
 */
class ValueExpiryRouteTest extends CamelTestSupport {

    @TempDir
    Path dir;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        FileFlowSnapshotRepository repository = new FileFlowSnapshotRepository();
        repository.setDataDirectory(dir.toString());
        context.getComponent("flowstate", FlowStateComponent.class).setRepository(repository);
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:remember").routeId("sessions")
                        .to("flowstate:set:token?scope=persistent&ttl=PT0.3S")
                        .to("flowstate:set:user?scope=persistent")
                        .to("flowstate:set:team/crm/token?scope=global&ttl=PT0.3S");
                from("direct:read").routeId("sessionsRead")
                        .to("flowstate:start:sessions")
                        .setBody(simple("${null}"))
                        .to("flowstate:getAll?scope=persistent");
                from("direct:global").to("flowstate:get:team/crm/token?scope=global");
                from("direct:count").routeId("counter")
                        .to("flowstate:set:hits?scope=persistent&ttl=PT1H")
                        .to("flowstate:increment:hits?scope=persistent");
            }
        };
    }

    @Test
    void aValueWithTtlReadsAsAbsentOnceItPassedAndThePurgeRemovesIt() throws Exception {
        template.sendBody("direct:remember", "abc");
        assertThat(template.requestBody("direct:read", "", Map.class)).containsOnlyKeys("token", "user");
        assertThat(template.requestBody("direct:global", "")).isEqualTo("abc");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(template.requestBody("direct:read", "", Map.class)).containsOnlyKeys("user"));
        assertThat(template.requestBody("direct:global", "")).isNull();
        assertThat(storedValueFiles()).isEqualTo(3); // expired but not yet purged

        context.getComponent("flowstate", FlowStateComponent.class).getMaintenance().runOnce();

        assertThat(storedValueFiles()).isEqualTo(1);
        assertThat(template.requestBody("direct:read", "", Map.class)).containsOnlyKeys("user");
    }

    @Test
    void anIncrementKeepsTheExpiryTheSetGave() {
        template.sendBody("direct:count", 5);
        assertThat(template.requestBody("direct:read", "", Map.class)).isEmpty(); // other flow's namespace
        FileFlowSnapshotRepository repository = (FileFlowSnapshotRepository) context
                .getComponent("flowstate", FlowStateComponent.class).getRepository();
        assertThat(repository.getValue("counter", "hits").orElseThrow().expiresAt()).isAfter(Instant.now());
        assertThat(repository.getValue("counter", "hits").orElseThrow().value().intValue()).isEqualTo(6);
    }

    @Test
    void ttlOutsideSetOrOnAScopeWithoutExpiryIsRefusedWhenTheEndpointIsCreated() {
        assertThatThrownBy(() -> context.getEndpoint("flowstate:set:k?ttl=PT1M"))
                .isInstanceOf(ResolveEndpointFailedException.class)
                .hasMessageContaining("The ttl option of flowstate://set:k?ttl=PT1M needs scope=persistent or scope=global")
                .hasMessageContaining("scope execution has no expiry");
        assertThatThrownBy(() -> context.getEndpoint("flowstate:get:k?scope=persistent&ttl=PT1M"))
                .hasMessageContaining("belongs on flowstate:set");
        assertThatThrownBy(() -> context.getEndpoint("flowstate:set:k?scope=persistent&ttl=PT0S"))
                .hasMessageContaining("The option ttl of")
                .hasMessageContaining("must be a positive ISO-8601 duration");
        assertThatThrownBy(() -> context.getEndpoint("flowstate:set:k?scope=persistent&ttl=tomorrow"))
                .isInstanceOf(ResolveEndpointFailedException.class)
                .hasMessageContaining("ttl");
    }

    private long storedValueFiles() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".json") && f.toString().contains("values")).count();
        }
    }
}
