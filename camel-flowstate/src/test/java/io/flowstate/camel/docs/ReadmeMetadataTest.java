package io.flowstate.camel.docs;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's tables of operations, options and headers and the component's generated metadata (what tooling and the
 * Camel catalog show) name the same things, with the same defaults, and every option in the metadata says what it
 * does.
 */
class ReadmeMetadataTest {

    private static final String METADATA = "META-INF/io/flowstate/camel/flowstate.json";

    /**
     * Options every Camel component or endpoint inherits from camel-support (DefaultComponent, DefaultEndpoint). They
     * are Camel's, documented by Camel, and not repeated in the README.
     */
    private static final Set<String> INHERITED = Set.of(
            "lazyStartProducer", "autowiredEnabled", "bridgeErrorHandler", "exceptionHandler", "exchangePattern");

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern OPERATION = Pattern.compile("`flowstate:(\\w+)");

    private static JsonNode metadata;
    private static List<String> readme;

    @BeforeAll
    static void read() throws IOException {
        try (InputStream in = ReadmeMetadataTest.class.getClassLoader().getResourceAsStream(METADATA)) {
            assertThat(in).as("%s on the classpath", METADATA).isNotNull();
            metadata = new ObjectMapper().readTree(in);
        }
        readme = Files.readAllLines(findReadme(), StandardCharsets.UTF_8);
    }

    @Test
    void everyOperationIsInTheOperationsTable() {
        Set<String> documented = new LinkedHashSet<>();
        for (List<String> row : table("operation")) {
            Matcher m = OPERATION.matcher(row.get(0));
            assertThat(m.find()).as("operations table row %s names flowstate:OPERATION", row).isTrue();
            documented.add(m.group(1));
        }
        Set<String> operations = new LinkedHashSet<>();
        metadata.path("properties").path("operation").path("enum").forEach(op -> operations.add(op.asText()));
        assertThat(operations).isNotEmpty();
        assertThat(documented).as("operations in the README").containsExactlyInAnyOrderElementsOf(operations);
        Set<String> headerEnum = new LinkedHashSet<>();
        metadata.path("headers").path("CamelFlowStateOperation").path("enum").forEach(op -> headerEnum.add(op.asText()));
        assertThat(headerEnum).as("operations of header CamelFlowStateOperation").isEqualTo(operations);
    }

    @Test
    void endpointOptionsAgree() {
        Map<String, JsonNode> options = new LinkedHashMap<>();
        metadata.path("properties").properties().forEach(e -> {
            JsonNode option = e.getValue();
            if (!"path".equals(option.path("kind").asText()) && !INHERITED.contains(e.getKey())) {
                // a multi-value option is written with its prefix: resource.NAME
                String name = option.has("prefix") ? option.path("prefix").asText() + "NAME" : e.getKey();
                options.put(name, option);
            }
        });
        assertAgree("endpoint option", options);
    }

    @Test
    void componentOptionsAgree() {
        Map<String, JsonNode> options = new LinkedHashMap<>();
        metadata.path("componentProperties").properties().forEach(e -> {
            if (!INHERITED.contains(e.getKey())) {
                options.put(e.getKey(), e.getValue());
            }
        });
        assertAgree("component option", options);
    }

    @Test
    void headersAgree() {
        Set<String> documented = new LinkedHashSet<>();
        table("header").forEach(row -> documented.add(name(row)));
        Set<String> headers = new LinkedHashSet<>();
        metadata.path("headers").fieldNames().forEachRemaining(headers::add);
        assertThat(documented).as("headers in the README").containsExactlyInAnyOrderElementsOf(headers);
    }

    @Test
    void everyOptionAndHeaderHasADescription() {
        List<String> missing = new ArrayList<>();
        for (String section : List.of("componentProperties", "properties", "headers")) {
            metadata.path(section).properties().forEach(e -> {
                if (e.getValue().path("description").asText("").isBlank()) {
                    missing.add(section + "." + e.getKey());
                }
            });
        }
        assertThat(missing).as("options without a description (javadoc or @Metadata/@UriParam description)").isEmpty();
    }

    /** The README table with these rows names exactly these options, and gives each metadata default. */
    private static void assertAgree(String table, Map<String, JsonNode> options) {
        List<List<String>> rows = table(table);
        Map<String, List<String>> documented = new LinkedHashMap<>();
        rows.forEach(row -> documented.put(name(row), row));
        assertThat(documented.keySet()).as("%ss in the README", table)
                .containsExactlyInAnyOrderElementsOf(options.keySet());
        options.forEach((name, option) -> {
            if (option.has("defaultValue")) {
                String expected = canonical(option.path("defaultValue").asText());
                List<String> defaults = new ArrayList<>();
                Matcher m = CODE.matcher(documented.get(name).get(1));
                while (m.find()) {
                    defaults.add(canonical(m.group(1)));
                }
                assertThat(defaults).as("README default of %s %s", table, name).contains(expected);
            }
        });
    }

    /** 1.0 and 1 are the same default. */
    private static String canonical(String value) {
        try {
            return new BigDecimal(value).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return value;
        }
    }

    /** The name in a row's first cell, written as code: `name`. */
    private static String name(List<String> row) {
        Matcher m = CODE.matcher(row.get(0));
        assertThat(m.find()).as("first cell of %s is `name`", row).isTrue();
        return m.group(1);
    }

    /** The body rows of the one README table whose header row starts with the given cell. */
    private static List<List<String>> table(String firstHeaderCell) {
        List<List<String>> rows = null;
        int found = 0;
        for (int i = 0; i < readme.size(); i++) {
            List<String> cells = cells(readme.get(i));
            if (cells != null && (i == 0 || cells(readme.get(i - 1)) == null)
                    && cells.get(0).equals(firstHeaderCell)) {
                found++;
                rows = new ArrayList<>();
                for (int j = i + 2; j < readme.size() && cells(readme.get(j)) != null; j++) {
                    rows.add(cells(readme.get(j)));
                }
            }
        }
        assertThat(found).as("README tables headed '| %s |'", firstHeaderCell).isEqualTo(1);
        assertThat(rows).isNotEmpty();
        return rows;
    }

    /** The cells of a table line, or null when the line is not part of a table. */
    private static List<String> cells(String line) {
        String t = line.trim();
        if (!t.startsWith("|") || !t.endsWith("|") || t.length() < 2) {
            return null;
        }
        List<String> cells = new ArrayList<>();
        for (String cell : t.substring(1, t.length() - 1).split("\\|", -1)) {
            cells.add(cell.trim());
        }
        return cells;
    }

    /**
     * The project's README: surefire runs in camel-flowstate/target, an IDE in camel-flowstate or the root, so walk up
     * to the directory holding both README.md and camel-flowstate.
     */
    private static Path findReadme() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path readme = dir.resolve("README.md");
            if (Files.isRegularFile(readme) && Files.isDirectory(dir.resolve("camel-flowstate"))) {
                return readme;
            }
        }
        throw new IllegalStateException("No README.md next to a camel-flowstate folder above " + System.getProperty("user.dir"));
    }
}
