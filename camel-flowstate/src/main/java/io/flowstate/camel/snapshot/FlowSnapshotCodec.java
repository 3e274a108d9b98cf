package io.flowstate.camel.snapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateException;

/**
 * JSON encoding of snapshots, deltas and persistent values, with its own {@link JsonMapper}: trees of plain JSON values
 * only. There is no default typing and nothing read from the data names a Java class; reading is bounded by
 * {@link StreamReadConstraints} (document size, string size, nesting). Every error names the run and where it is
 * stored.
 * <p>
 * A snapshot document (format 1) has {@code formatVersion}, then the {@link RunField}s in their order, each under its
 * JSON name; null fields are left out. A delta is one object: {@code formatVersion}, {@code version},
 * {@code updatedAt}, then only what changed ({@code clearState}, {@code stateRemoved}, {@code stateSet},
 * {@code stateAppended} (key to the array of items appended), {@code results}, {@code completedSteps}, and each
 * replaced field under its JSON name, null meaning cleared).
 * <p>
 * Delta format: a delta without appends is written in format 1, exactly as before appends existed, and a delta with
 * appends in format {@value #DELTA_FORMAT_VERSION}, so a camel-flowstate that does not know appends refuses it with a
 * clear "newer format" error instead of silently dropping the items. Deltas of format 1 and 2 are both read; a
 * missing {@code stateAppended} means none.
 * <p>
 * Numbers: whole numbers read back as the smallest fitting node type (int, long, big integer); every number with a
 * fraction or an exponent reads back as an exact decimal ({@code DecimalNode}) with the scale it was written with, so
 * {@code 10.50} stays {@code 10.50} and {@code 1.123456789012345678} keeps all its digits. A decimal of scale 0 is
 * written with an exponent ({@code 5E0}), so that it reads back as that decimal rather than as the integer {@code 5}.
 * <p>
 * Thread-safe.
 */
public final class FlowSnapshotCodec {

    /** Default {@code maxSnapshotSize}: 16 MiB. */
    public static final int DEFAULT_MAX_SNAPSHOT_SIZE = 16 * 1024 * 1024;

    /** The newest delta format read and written: 2 adds {@code stateAppended}. Snapshots stay in format 1. */
    public static final int DELTA_FORMAT_VERSION = 2;

    /** Deepest JSON nesting accepted in a stored document. */
    public static final int MAX_NESTING_DEPTH = 500;

    private final int maxSnapshotSize;
    private final JsonMapper mapper;

    public FlowSnapshotCodec() {
        this(DEFAULT_MAX_SNAPSHOT_SIZE);
    }

    /**
     * @param maxSnapshotSize the largest snapshot, delta or value accepted, in bytes of JSON
     */
    public FlowSnapshotCodec(int maxSnapshotSize) {
        if (maxSnapshotSize < 1024) {
            throw new IllegalArgumentException("maxSnapshotSize must be at least 1024 bytes, not " + maxSnapshotSize);
        }
        this.maxSnapshotSize = maxSnapshotSize;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxDocumentLength(maxSnapshotSize)
                        .maxStringLength(maxSnapshotSize)
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .build())
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // decimals as stored, not rounded to a double: money keeps every digit and its scale (10.50)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
    }

    public int getMaxSnapshotSize() {
        return maxSnapshotSize;
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Encodes a snapshot as stored with the given version.
     *
     * @throws FlowSnapshotTooLargeException when the document would exceed {@code maxSnapshotSize}
     */
    public byte[] encode(FlowSnapshot s, long version) {
        return write("snapshot of run " + s.executionId(), g -> {
            g.writeStartObject();
            g.writeNumberField("formatVersion", FlowSnapshot.FORMAT_VERSION);
            for (RunField field : RunField.values()) {
                Object value = field == RunField.VERSION ? version : s.get(field);
                if (value != null) {
                    g.writeFieldName(field.jsonName());
                    writeValue(g, field, value);
                }
            }
            g.writeEndObject();
        });
    }

    /**
     * Decodes a stored snapshot.
     *
     * @param  executionId                 the run expected in the document (null: any)
     * @param  source                      where it was read from, for messages (a file, a table)
     * @throws FlowSnapshotFormatException when it is corrupt, truncated, too large, of another run or of a newer
     *                                     format
     */
    public FlowSnapshot decode(byte[] data, String executionId, String source) {
        return decode(data, 0, data.length, executionId, source);
    }

    public FlowSnapshot decode(byte[] data, int offset, int length, String executionId, String source) {
        String what = "The snapshot of run " + (executionId == null ? "?" : executionId) + " in " + source;
        ObjectNode doc = readObject(data, offset, length, what);
        checkFormat(doc, what, FlowSnapshot.FORMAT_VERSION);
        try {
            String storedId = requiredText(doc, "executionId", what);
            if (executionId != null && !executionId.equals(storedId)) {
                throw new FlowSnapshotFormatException(
                        what + " belongs to run " + storedId + ": the stored data is misplaced or was tampered with");
            }
            FlowSnapshot.Builder b = FlowSnapshot.builder();
            for (RunField field : RunField.values()) {
                b.set(field, read(doc, field, what));
            }
            return b.buildShared();
        } catch (FlowSnapshotFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new FlowSnapshotFormatException(what + " is not valid: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- deltas

    /** A delta as read back, with the version it created. */
    public record StoredDelta(long version, FlowSnapshotDelta delta) {
    }

    /**
     * Encodes a delta that creates {@code version} of run {@code executionId}.
     *
     * @throws FlowSnapshotTooLargeException when it would exceed {@code maxSnapshotSize}
     */
    public byte[] encodeDelta(String executionId, FlowSnapshotDelta d, long version) {
        return write("delta of run " + executionId, g -> {
            g.writeStartObject();
            g.writeNumberField("formatVersion",
                    d.stateAppended().isEmpty() ? FlowSnapshot.FORMAT_VERSION : DELTA_FORMAT_VERSION);
            g.writeNumberField("version", version);
            g.writeStringField("updatedAt", d.updatedAt().toString());
            if (d.clearState()) {
                g.writeBooleanField("clearState", true);
            }
            if (!d.stateRemoved().isEmpty()) {
                writeList(g, "stateRemoved", d.stateRemoved());
            }
            if (!d.stateSet().isEmpty()) {
                writeMap(g, "stateSet", d.stateSet());
            }
            if (!d.stateAppended().isEmpty()) {
                g.writeObjectFieldStart("stateAppended");
                for (Map.Entry<String, List<JsonNode>> e : d.stateAppended().entrySet()) {
                    g.writeArrayFieldStart(e.getKey());
                    for (JsonNode item : e.getValue()) {
                        g.writeTree(item);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            if (!d.results().isEmpty()) {
                writeMap(g, "results", d.results());
            }
            if (!d.completedSteps().isEmpty()) {
                writeList(g, "completedSteps", d.completedSteps());
            }
            for (RunField field : d.changed()) {
                Object value = d.get(field);
                g.writeFieldName(field.jsonName());
                if (value == null) {
                    g.writeNull();
                } else {
                    writeValue(g, field, value);
                }
            }
            g.writeEndObject();
        });
    }

    /**
     * Decodes a stored delta.
     *
     * @throws FlowSnapshotFormatException when it is corrupt or of a newer format
     */
    public StoredDelta decodeDelta(byte[] data, int offset, int length, String executionId, String source) {
        String what = "A delta of run " + executionId + " in " + source;
        ObjectNode doc = readObject(data, offset, length, what);
        checkFormat(doc, what, DELTA_FORMAT_VERSION);
        try {
            long version = requiredLong(doc, "version", what);
            FlowSnapshotDelta.Builder b = FlowSnapshotDelta.builder().updatedAt(instant(doc, "updatedAt", what, true));
            if (doc.path("clearState").asBoolean(false)) {
                b.clearState();
            }
            for (String key : textList(doc, "stateRemoved", what)) {
                b.removeState(key);
            }
            ObjectNode set = object(doc, "stateSet", what);
            if (set != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = set.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    b.setState(e.getKey(), e.getValue());
                }
            }
            ObjectNode appended = object(doc, "stateAppended", what);
            if (appended != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = appended.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().isArray()) {
                        throw new FlowSnapshotFormatException(
                                what + ": field stateAppended." + e.getKey() + " is not a JSON array");
                    }
                    for (JsonNode item : e.getValue()) {
                        b.appendState(e.getKey(), item);
                    }
                }
            }
            ObjectNode results = object(doc, "results", what);
            if (results != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = results.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    b.result(e.getKey(), e.getValue());
                }
            }
            for (String step : textList(doc, "completedSteps", what)) {
                b.completedStep(step);
            }
            for (RunField field : RunField.values()) {
                if (field.replacedByDeltas() && doc.has(field.jsonName())) {
                    b.replace(field, read(doc, field, what));
                }
            }
            return new StoredDelta(version, b.build());
        } catch (FlowSnapshotFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new FlowSnapshotFormatException(what + " is not valid: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- persistent values

    /** Encodes any JSON value. */
    public byte[] encodeValue(String what, JsonNode value) {
        return write(what, g -> g.writeTree(value));
    }

    /** Decodes a JSON value; {@code what} names it in errors (namespace, key, where). */
    public JsonNode decodeValue(byte[] data, String what) {
        try {
            JsonNode node = mapper.readTree(data);
            if (node == null || node.isMissingNode()) {
                throw new FlowSnapshotFormatException(what + " is empty: the stored data is truncated");
            }
            return node;
        } catch (IOException e) {
            throw new FlowSnapshotFormatException(what + " is not valid JSON (" + reason(e) + ")", e);
        }
    }

    /** Reads an object document, e.g. a file repository's value file. */
    public ObjectNode decodeObject(byte[] data, String what) {
        return readObject(data, 0, data.length, what);
    }

    // ---------------------------------------------------------------- reading helpers

    private ObjectNode readObject(byte[] data, int offset, int length, String what) {
        if (length > maxSnapshotSize) {
            throw new FlowSnapshotFormatException(what + " is " + length + " bytes, more than maxSnapshotSize="
                                                  + maxSnapshotSize + ": raise maxSnapshotSize to read it");
        }
        if (length == 0) {
            throw new FlowSnapshotFormatException(what + " is empty: the stored data is truncated");
        }
        JsonNode node;
        try (JsonParser p = mapper.createParser(data, offset, length)) {
            node = mapper.readTree(p);
            if (p.nextToken() != null) {
                throw new FlowSnapshotFormatException(what + " has data after its JSON document: the stored data is corrupt");
            }
        } catch (IOException e) {
            throw new FlowSnapshotFormatException(
                    what + " is corrupt or truncated (" + reason(e) + "); other runs are not affected", e);
        }
        if (node == null || !node.isObject()) {
            throw new FlowSnapshotFormatException(what + " is not a JSON object: the stored data is corrupt");
        }
        return (ObjectNode) node;
    }

    private static String reason(IOException e) {
        return e instanceof com.fasterxml.jackson.core.JacksonException je ? je.getOriginalMessage() : e.getMessage();
    }

    private static void checkFormat(ObjectNode doc, String what, int newest) {
        JsonNode format = doc.get("formatVersion");
        if (format == null || !format.canConvertToInt()) {
            throw new FlowSnapshotFormatException(what + " has no valid formatVersion: the stored data is corrupt");
        }
        int version = format.intValue();
        if (version > newest) {
            throw new FlowSnapshotFormatException(
                    what + " is in format " + version + ", newer than format " + newest
                                                  + " which this camel-flowstate reads: run the newer camel-flowstate that wrote it."
                                                  + " Nothing was changed");
        }
        if (version < 1) {
            throw new FlowSnapshotFormatException(what + " has formatVersion " + version + ": the stored data is corrupt");
        }
    }

    /** A run field's value in a document: null when absent (a required one must be there). */
    private static Object read(ObjectNode doc, RunField field, String what) {
        String name = field.jsonName();
        return switch (field.type()) {
            case TEXT -> field.required() ? requiredText(doc, name, what) : text(doc, name, what);
            case STATUS -> status(requiredText(doc, name, what), what);
            case LONG -> requiredLong(doc, name, what);
            case INT -> optionalInt(doc, name, what);
            case INSTANT -> instant(doc, name, what, field.required());
            case JSON -> doc.get(name);
            case OBJECT -> object(doc, name, what);
            case TEXT_LIST -> textList(doc, name, what);
        };
    }

    private static String text(ObjectNode doc, String field, String what) {
        JsonNode node = doc.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new FlowSnapshotFormatException(what + ": field " + field + " is not a string");
        }
        return node.textValue();
    }

    private static String requiredText(ObjectNode doc, String field, String what) {
        String text = text(doc, field, what);
        if (text == null) {
            throw new FlowSnapshotFormatException(what + " has no " + field + ": the stored data is corrupt");
        }
        return text;
    }

    private static long requiredLong(ObjectNode doc, String field, String what) {
        JsonNode node = doc.get(field);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new FlowSnapshotFormatException(what + " has no valid " + field + ": the stored data is corrupt");
        }
        return node.longValue();
    }

    private static Integer optionalInt(ObjectNode doc, String field, String what) {
        JsonNode node = doc.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new FlowSnapshotFormatException(what + ": field " + field + " is not a whole number");
        }
        return node.intValue();
    }

    private static Instant instant(ObjectNode doc, String field, String what, boolean required) {
        String text = required ? requiredText(doc, field, what) : text(doc, field, what);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new FlowSnapshotFormatException(what + ": field " + field + " is not an ISO-8601 instant", e);
        }
    }

    private static FlowStatus status(String text, String what) {
        try {
            return FlowStatus.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new FlowSnapshotFormatException(what + " has an unknown status '" + text + "'", e);
        }
    }

    private static ObjectNode object(ObjectNode doc, String field, String what) {
        JsonNode node = doc.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new FlowSnapshotFormatException(what + ": field " + field + " is not a JSON object");
        }
        return (ObjectNode) node;
    }

    private static List<String> textList(ObjectNode doc, String field, String what) {
        JsonNode node = doc.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new FlowSnapshotFormatException(what + ": field " + field + " is not a JSON array");
        }
        List<String> list = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new FlowSnapshotFormatException(what + ": field " + field + " holds a value that is not a string");
            }
            list.add(item.textValue());
        }
        return list;
    }

    // ---------------------------------------------------------------- writing helpers

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private byte[] write(String what, Writer writer) {
        LimitedOutputStream out = new LimitedOutputStream(maxSnapshotSize);
        try (JsonGenerator g = new ExactDecimals(mapper.getFactory().createGenerator(out, JsonEncoding.UTF8))) {
            writer.write(g);
        } catch (TooLarge e) {
            throw tooLarge(what);
        } catch (IOException e) {
            if (e.getCause() instanceof TooLarge) {
                throw tooLarge(what);
            }
            throw new FlowStateException("Could not encode the " + what + " as JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private FlowSnapshotTooLargeException tooLarge(String what) {
        return new FlowSnapshotTooLargeException(
                "The " + what + " is larger than maxSnapshotSize=" + maxSnapshotSize + " bytes and was not stored."
                                                 + " Keep large data out of the state (use the run's work directory or a resource)"
                                                 + " or raise maxSnapshotSize");
    }

    /** Writes a run field's value (not null) after its name. */
    @SuppressWarnings("unchecked")
    private static void writeValue(JsonGenerator g, RunField field, Object value) throws IOException {
        switch (field.type()) {
            case TEXT -> g.writeString((String) value);
            case STATUS -> g.writeString(((FlowStatus) value).name());
            case LONG -> g.writeNumber((Long) value);
            case INT -> g.writeNumber((Integer) value);
            case INSTANT -> g.writeString(value.toString());
            case JSON, OBJECT -> g.writeTree((JsonNode) value);
            case TEXT_LIST -> writeStrings(g, (Iterable<String>) value);
            default -> throw new IllegalStateException("Unknown field type " + field.type());
        }
    }

    private static void writeList(JsonGenerator g, String field, Iterable<String> values) throws IOException {
        g.writeFieldName(field);
        writeStrings(g, values);
    }

    private static void writeStrings(JsonGenerator g, Iterable<String> values) throws IOException {
        g.writeStartArray();
        for (String value : values) {
            g.writeString(value);
        }
        g.writeEndArray();
    }

    private static void writeMap(JsonGenerator g, String field, Map<String, JsonNode> values) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, JsonNode> e : values.entrySet()) {
            g.writeFieldName(e.getKey());
            g.writeTree(e.getValue());
        }
        g.writeEndObject();
    }

    /**
     * Writes a decimal of scale 0 as {@code 5E0}: plain {@code 5} would read back as an integer, losing that it was a
     * decimal. Every other number is written as Jackson writes it. Trees are written through this generator (not handed
     * to the one it wraps), so the numbers inside them pass here too.
     */
    private static final class ExactDecimals extends JsonGeneratorDelegate {
        ExactDecimals(JsonGenerator g) {
            super(g, false);
        }

        @Override
        public void writeNumber(BigDecimal value) throws IOException {
            if (value != null && value.scale() == 0) {
                delegate.writeNumber(value.unscaledValue() + "E0");
            } else {
                delegate.writeNumber(value);
            }
        }
    }

    private static final class TooLarge extends IOException {
        TooLarge() {
            super("too large", null);
        }
    }

    /** Stops writing as soon as the limit is passed, so an oversized state is never fully buffered. */
    private static final class LimitedOutputStream extends OutputStream {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        private final int limit;

        LimitedOutputStream(int limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            check(1);
            buffer.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check(len);
            buffer.write(b, off, len);
        }

        private void check(int more) throws TooLarge {
            if ((long) buffer.size() + more > limit) {
                throw new TooLarge();
            }
        }

        byte[] toByteArray() {
            return buffer.toByteArray();
        }
    }
}
