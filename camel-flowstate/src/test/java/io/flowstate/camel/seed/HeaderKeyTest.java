package io.flowstate.camel.seed;

import java.util.List;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import io.flowstate.camel.state.RepositoryStateStore;
import io.flowstate.camel.support.InvalidIdentifierException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Header CamelFlowStateKey overrides the URI's key in the global scope and on flowstate:changes too, validated by the
 * rule of that scope (a path for global, a plain key for the watermark of changes).
 */
class HeaderKeyTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void theHeaderKeyNamesTheGlobalPathOverTheUriKey() {
        Exchange out = template.request("direct:global", e -> {
            e.getMessage().setHeader(FlowStateConstants.KEY, "team/ops/limit");
            e.getMessage().setBody(7);
        });

        assertThat(out.getException()).isNull();
        assertThat(repository.getValue(RepositoryStateStore.GLOBAL_NAMESPACE, "team/ops/limit").orElseThrow().value()
                .intValue()).isEqualTo(7);
        assertThat(repository.getValue(RepositoryStateStore.GLOBAL_NAMESPACE, "team/crm/default")).isEmpty();
    }

    @Test
    void theHeaderKeyNamesTheWatermarkOfChanges() {
        template.request("direct:changes", e -> {
            e.getMessage().setHeader(FlowStateConstants.KEY, "seen-customer-1");
            e.getMessage().setBody(List.of("a"));
        });
        Exchange bad = template.request("direct:changes", e -> {
            e.getMessage().setHeader(FlowStateConstants.KEY, "seen/../x");
            e.getMessage().setBody(List.of("a"));
        });

        assertThat(repository.getValue("watcher", "seen-customer-1")).isPresent();
        assertThat(repository.getValue("watcher", "seen")).isEmpty();
        assertThat(bad.getException()).isInstanceOf(InvalidIdentifierException.class);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:global").to("flowstate:set:team/crm/default?scope=global");
                from("direct:changes").routeId("watcher").to("flowstate:changes:seen?commit=immediate");
            }
        };
    }
}
