package io.flowstate.camel.execution;

import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The options of one approval step (flowstate:suspend:NAME), checked when its endpoint is created.
 *
 * @param timeout        how long to wait for a resume, or null for no timeout
 * @param onTimeout      what the step does when the timeout passes
 * @param timeoutPayload for {@code onTimeout=resume}: what the step then gives; null otherwise
 * @param selfApproval   whether the actor who started the run may answer
 * @param payloadSchema  the resource URI of the JSON Schema a resume payload must match, or null
 */
public record ApprovalOptions(Duration timeout, OnTimeout onTimeout, JsonNode timeoutPayload, boolean selfApproval,
                              String payloadSchema) {

    /** A suspend without approval options: no timeout, anyone with the token answers with any payload. */
    public static final ApprovalOptions DEFAULTS = new ApprovalOptions(null, OnTimeout.CONTINUE, null, true, null);

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /**
     * Checks the options of the suspend endpoint {@code uri} and loads its payload schema.
     *
     * @param  onTimeout                null for the default, continue
     * @throws IllegalArgumentException naming the option, its value and what is allowed
     */
    public static ApprovalOptions of(
            String uri, Duration timeout, OnTimeout onTimeout, String timeoutPayload, boolean selfApproval,
            String payloadSchema, ApprovalSchemas schemas) {
        OnTimeout whenLate = onTimeout == null ? OnTimeout.CONTINUE : onTimeout;
        if (whenLate != OnTimeout.CONTINUE && timeout == null) {
            throw new IllegalArgumentException("The option onTimeout=" + whenLate + " of " + uri + " needs a timeout:"
                                               + " add timeout=PT24H (an ISO-8601 duration)");
        }
        if (whenLate == OnTimeout.RESUME && timeoutPayload == null) {
            throw new IllegalArgumentException("The option onTimeout=resume of " + uri + " needs timeoutPayload: the"
                                               + " JSON value the step gives when the timeout passes, e.g."
                                               + " timeoutPayload={\"approved\":false}");
        }
        if (timeoutPayload != null && whenLate != OnTimeout.RESUME) {
            throw new IllegalArgumentException("The option timeoutPayload of " + uri + " is used only with"
                                               + " onTimeout=resume, but onTimeout is " + whenLate);
        }
        JsonNode payload = timeoutPayload == null ? null : parse(uri, timeoutPayload);
        if (payloadSchema != null) {
            try {
                schemas.load(payloadSchema);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("The option payloadSchema of " + uri + ": the JSON Schema '"
                                                   + payloadSchema + "' " + e.getMessage(), e);
            }
        }
        return new ApprovalOptions(timeout, whenLate, payload, selfApproval, payloadSchema);
    }

    /**
     * What the step gives when its timeout passes: a JSON null (onTimeout=continue) or timeoutPayload (onTimeout=resume);
     * empty for onTimeout=fail, where the step fails instead.
     */
    public Optional<JsonNode> timeoutResult() {
        return switch (onTimeout) {
            case CONTINUE -> Optional.of(NullNode.getInstance());
            case RESUME -> Optional.of(timeoutPayload);
            case FAIL -> Optional.empty();
        };
    }

    /**
     * What a resume must meet beyond the token, stored with the suspended run (so any node checks it, whatever its
     * routes hold): {@code {"selfApproval": false, "payloadSchema": "…"}} with only what differs from the defaults;
     * null when nothing does.
     */
    ObjectNode rules() {
        if (selfApproval && payloadSchema == null) {
            return null;
        }
        ObjectNode rules = JsonNodeFactory.instance.objectNode();
        if (!selfApproval) {
            rules.put("selfApproval", false);
        }
        if (payloadSchema != null) {
            rules.put("payloadSchema", payloadSchema);
        }
        return rules;
    }

    private static JsonNode parse(String uri, String timeoutPayload) {
        try {
            JsonNode node = MAPPER.readTree(timeoutPayload);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("The option timeoutPayload of " + uri + " is empty: write a JSON"
                                                   + " value such as {\"approved\":false}, \"rejected\" or false");
            }
            return node;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("The option timeoutPayload of " + uri + " is not JSON: '"
                                               + timeoutPayload + "' (" + e.getOriginalMessage() + "). Write a JSON"
                                               + " value such as {\"approved\":false}, \"rejected\" (with the quotes)"
                                               + " or false.", e);
        }
    }
}
