package io.flowstate.camel.repository;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

/**
 * An exchange as the aggregation repository stores it: its id, its body and headers, which must be JSON values (text,
 * number, boolean, null, maps with text keys, lists of those), and the aggregator's own properties (size, timeout,
 * correlation key, completed-by). Anything else is refused with the header or body and its type named: the repository
 * never falls back to Java serialization, and reads back no class names.
 */
final class ExchangeJson {

    /** The aggregator's properties, kept so that completion by size and recovery work on a stored exchange. */
    private static final String AGGREGATOR_PROPERTIES = "CamelAggregated";
    /** Camel's groupExchanges list: exchanges, not JSON values. */
    private static final String GROUPED_EXCHANGE = "CamelGroupedExchange";

    // no default typing: nothing read back names a class
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ExchangeJson() {
    }

    /**
     * The exchange as JSON.
     *
     * @throws IllegalArgumentException naming the body or header and its type when one is not a JSON value
     */
    static ObjectNode encode(Exchange exchange, String where) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("exchangeId", exchange.getExchangeId());
        doc.set("body", value(exchange.getMessage().getBody(), "the body", where));
        ObjectNode headers = doc.putObject("headers");
        exchange.getMessage().getHeaders().forEach((name, value) -> headers.set(name,
                value(value, "header '" + RepositoryKeys.printable(name) + "'", where)));
        if (exchange.getProperty(GROUPED_EXCHANGE) != null) {
            throw refused("exchange property " + GROUPED_EXCHANGE + " (groupExchanges)", exchange.getProperty(GROUPED_EXCHANGE),
                    where);
        }
        ObjectNode properties = doc.putObject("properties");
        // getAllProperties: Camel keeps its own properties (the aggregator's among them) apart from getProperties()
        exchange.getAllProperties().forEach((name, value) -> {
            if (name.startsWith(AGGREGATOR_PROPERTIES) && isScalar(value)) {
                properties.set(name, MAPPER.valueToTree(value));
            }
        });
        return doc;
    }

    /** A new exchange of {@code context} with the stored id, body, headers and aggregator properties. */
    static Exchange decode(CamelContext context, JsonNode doc) {
        Exchange exchange = new DefaultExchange(context);
        exchange.setExchangeId(doc.path("exchangeId").asText());
        exchange.getMessage().setBody(plain(doc.get("body")));
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("headers").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> header = it.next();
            exchange.getMessage().setHeader(header.getKey(), plain(header.getValue()));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("properties").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> property = it.next();
            exchange.setProperty(property.getKey(), plain(property.getValue()));
        }
        return exchange;
    }

    /** A stored JSON value as plain Java (String, Number, Boolean, Map, List), null for JSON null. */
    static Object plain(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return MAPPER.treeToValue(node, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored JSON tree always converts to plain Java values", e);
        }
    }

    /**
     * {@code value} as JSON.
     *
     * @throws IllegalArgumentException naming {@code what} and the type when it is not a JSON value
     */
    static JsonNode value(Object value, String what, String where) {
        check(value, what, "", value, where);
        return value instanceof JsonNode node ? node.deepCopy() : MAPPER.valueToTree(value);
    }

    private static void check(Object value, String what, String path, Object whole, String where) {
        if (isScalar(value) || value instanceof JsonNode) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    throw refused(what + (path.isEmpty() ? "" : " at " + path) + " has a key of type "
                                  + typeOf(entry.getKey()) + ",", entry.getKey(), where);
                }
                check(entry.getValue(), what, path + "." + key, whole, where);
            }
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                check(item, what, path + "[" + i++ + "]", whole, where);
            }
            return;
        }
        throw refused(what + (path.isEmpty() ? "" : " at " + path), value, where);
    }

    private static boolean isScalar(Object value) {
        return value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger || value instanceof BigDecimal
                || value instanceof Double d && Double.isFinite(d) || value instanceof Float f && Float.isFinite(f);
    }

    private static IllegalArgumentException refused(String what, Object value, String where) {
        return new IllegalArgumentException(where + " stores JSON values only, and " + what + " is a "
                                            + typeOf(value) + ": allowed are text, numbers, booleans, null, maps with"
                                            + " text keys and lists of those (convert it first, e.g."
                                            + " convertBodyTo(String.class)). Nothing was stored");
    }

    private static String typeOf(Object value) {
        return value == null ? "null" : value.getClass().getTypeName();
    }
}
