package io.flowstate.camel.execution;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.apache.camel.CamelContext;
import org.apache.camel.support.ResourceHelper;

/**
 * The JSON Schemas of approval steps (option {@code payloadSchema} of flowstate:suspend), loaded through Camel's
 * resource loader ({@code classpath:}, {@code file:}, {@code http:} …) once per URI and checked against their
 * meta-schema, then kept. Validation is done by networknt's json-schema-validator; a schema without {@code $schema}
 * is read as draft 2020-12. Thread-safe.
 */
public final class ApprovalSchemas {

    /** Most failing paths listed in a refusal; a payload wrong everywhere would otherwise give a page of them. */
    private static final int MAX_ERRORS_SHOWN = 10;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final CamelContext context;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> loaded = new ConcurrentHashMap<>();

    public ApprovalSchemas(CamelContext context) {
        this.context = context;
    }

    /**
     * The schema at {@code uri}, loaded on first use.
     *
     * @throws IllegalArgumentException when it is not found, is not JSON or is not a valid JSON Schema
     */
    public Schema load(String uri) {
        Schema known = loaded.get(uri);
        if (known != null) {
            return known;
        }
        Schema schema = read(uri);
        loaded.putIfAbsent(uri, schema);
        return schema;
    }

    /**
     * The failures of {@code payload} against the schema at {@code uri}, each as "PATH: problem" with PATH a JSON
     * Pointer ({@code /items/0/amount}; at most
     * {@value #MAX_ERRORS_SHOWN}, then how many more), or an empty list when it matches.
     */
    public List<String> failures(String uri, JsonNode payload) {
        List<Error> errors = load(uri).validate(payload);
        List<String> shown = errors.stream().limit(MAX_ERRORS_SHOWN).map(ApprovalSchemas::describe)
                .collect(Collectors.toList());
        if (errors.size() > MAX_ERRORS_SHOWN) {
            shown.add("and " + (errors.size() - MAX_ERRORS_SHOWN) + " more");
        }
        return shown;
    }

    private Schema read(String uri) {
        JsonNode node;
        try (InputStream in = ResourceHelper.resolveMandatoryResourceAsInputStream(context, uri)) {
            node = MAPPER.readTree(in);
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("was not found", e);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("is not JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("could not be read: " + e.getMessage(), e);
        }
        if (node == null || !(node.isObject() || node.isBoolean())) {
            throw new IllegalArgumentException("is not a JSON Schema: a schema is a JSON object (or true or false)");
        }
        List<Error> invalid = metaSchema(node).validate(node);
        if (!invalid.isEmpty()) {
            throw new IllegalArgumentException("is not a valid JSON Schema: "
                                               + invalid.stream().limit(MAX_ERRORS_SHOWN).map(ApprovalSchemas::describe)
                                                       .collect(Collectors.joining("; ")));
        }
        try {
            return registry.getSchema(node);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("is not a valid JSON Schema: " + e.getMessage(), e);
        }
    }

    /** The meta-schema of the dialect the schema names in {@code $schema}, draft 2020-12 when it names none. */
    private Schema metaSchema(JsonNode schema) {
        String dialect = schema.path("$schema").asText(SpecificationVersion.DRAFT_2020_12.getDialectId());
        try {
            return registry.getSchema(SchemaLocation.of(dialect));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("names an unknown $schema '" + dialect + "': use one of the JSON Schema"
                                               + " drafts 4, 6, 7, 2019-09 or 2020-12", e);
        }
    }

    /** "PATH: problem", the path a JSON Pointer into the checked document ("/" for the whole document). */
    private static String describe(Error error) {
        String path = String.valueOf(error.getInstanceLocation());
        return (path.isEmpty() ? "/" : path) + ": " + error.getMessage();
    }
}
