package io.flowstate.camel.docs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "after" routes of docs/migration.md are real: every XML DSL block ({@code <routes xmlns=...xml-io>}) and YAML DSL
 * block ({@code - route:}) of the page loads, starts against the component (so every operation and option exists) and
 * does what the page says.
 */
class MigrationDocRoutesTest extends CamelTestSupport {

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("flowRepository", repository);
    }

    @Test
    void everyAfterRouteOfTheMigrationPageLoadsAndRuns() throws Exception {
        List<String> blocks = routeBlocks(Files.readString(docs().resolve("migration.md"), StandardCharsets.UTF_8));
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(7);
        for (int i = 0; i < blocks.size(); i++) {
            String block = blocks.get(i);
            String name = "migration-" + i + (block.startsWith("<") ? ".xml" : ".yaml");
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString(name, block));
        }

        Map<String, Object> order = Map.of("customer", "acme", "total", 12.5,
                "lines", List.of(Map.of("sku", "a"), Map.of("sku", "b")));

        // Mule flow variables
        assertThat(template.requestBody("direct:order", order)).isEqualTo("acme: 2 lines");
        // Mule Object Store: an atomic persistent counter per customer
        assertThat(template.requestBody("direct:countOrders", order)).isEqualTo(1L);
        assertThat(template.requestBody("direct:countOrders", order)).isEqualTo(2L);
        assertThat(repository.getValue("countOrders", "lastCustomer").orElseThrow().value().asText()).isEqualTo("acme");
        // TIBCO job shared variable, module shared variable, critical section, checkpoint
        assertThat(template.requestBody("direct:bwOrder", order)).isEqualTo(new java.math.BigDecimal("12.5"));
        assertThat(template.requestBody("direct:bwRates", "1.08")).isEqualTo("1.08");
        template.requestBody("direct:bwCount", "o-1");
        assertThat(template.requestBody("direct:bwCount", "o-2")).isEqualTo(2L);
        assertThat(template.requestBody("direct:bwCheckpoint", "x", String.class)).startsWith("charged ");
        // WSO2 scopes
        assertThat(template.requestBody("direct:quotes", order))
                .isEqualTo(Map.of("customer", "acme", "quotes", List.of("A: 10.5", "B: 9.75")));
        assertThat(repository.getValue("quoteRoute", "lastCustomer").orElseThrow().value().asText()).isEqualTo("acme");
    }

    /** Fenced xml blocks that are XML DSL routes and fenced yaml blocks that are YAML DSL routes. */
    private static List<String> routeBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        String[] parts = markdown.split("```");
        for (int i = 1; i < parts.length; i += 2) {
            String part = parts[i];
            int newline = part.indexOf('\n');
            String lang = part.substring(0, newline).trim();
            String body = part.substring(newline + 1);
            if ("xml".equals(lang) && body.contains("<routes xmlns=\"http://camel.apache.org/schema/xml-io\">")
                    || "yaml".equals(lang) && body.startsWith("- route:")) {
                blocks.add(body);
            }
        }
        return blocks;
    }

    /** The project's docs folder, found from wherever the tests run (surefire: camel-flowstate/target). */
    private static Path docs() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("docs")) && Files.isDirectory(dir.resolve("camel-flowstate"))) {
                return dir.resolve("docs");
            }
        }
        throw new IllegalStateException("No docs folder next to camel-flowstate above " + System.getProperty("user.dir"));
    }
}
