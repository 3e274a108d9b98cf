package io.flowstate.camel.trigger;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where an item's id is: a dotted field path such as {@code id} or {@code customer.id} (a leading dot, as in jq, is
 * allowed: {@code .customer.id}); the item itself when empty or {@code .}. Full jq expressions come with the flowstate
 * language; this subset reads the same in both.
 */
public final class IdPath {

    private final String text;
    private final List<String> fields;

    private IdPath(String text, List<String> fields) {
        this.text = text;
        this.fields = fields;
    }

    /**
     * @throws IllegalArgumentException naming the path when a field is empty or not a plain name
     */
    public static IdPath parse(String path) {
        if (path == null || path.isBlank() || ".".equals(path.trim())) {
            return new IdPath(".", List.of());
        }
        String trimmed = path.trim();
        String body = trimmed.startsWith(".") ? trimmed.substring(1) : trimmed;
        List<String> fields = List.of(body.split("\\.", -1));
        for (String field : fields) {
            if (field.isEmpty() || !field.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
                throw new IllegalArgumentException("The idPath '" + path + "' is not a dotted field path such as id or"
                                                   + " customer.id (fields of letters, digits, _ and -)");
            }
        }
        return new IdPath(trimmed, fields);
    }

    /** The id of {@code item}, or null when a field on the way is missing or null. */
    JsonNode idOf(JsonNode item) {
        JsonNode node = item;
        for (String field : fields) {
            if (node == null || !node.isObject()) {
                return null;
            }
            node = node.get(field);
        }
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    @Override
    public String toString() {
        return text;
    }
}
