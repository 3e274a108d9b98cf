package io.flowstate.camel.language;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.execution.FlowExecutions;
import io.flowstate.camel.state.JsonValues;
import io.flowstate.camel.state.RepositoryStateStore;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.Function;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Predicate;
import org.apache.camel.support.ExpressionSupport;

/**
 * One compiled flowstate expression: a jq query over the document of the exchange's run (see {@link FlowStateLanguage}).
 * Immutable and thread-safe: each evaluation builds the document once and runs the query in its own child scope.
 */
final class FlowStateExpression extends ExpressionSupport implements Predicate {

    /** jq's builtin functions, loaded once per class loader (about a tenth of a second) and only read afterwards. */
    private static final class Builtins {
        static final Scope ROOT = load();

        private static Scope load() {
            Scope root = Scope.newEmptyScope();
            BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, root);
            return root;
        }
    }

    /** Converts values when no flowstate component is in the context (expressions over exchanges without a run). */
    private static final class Fallback {
        static final JsonValues JSON = new JsonValues();
    }

    private final String text;
    private final JsonQuery query;

    private FlowStateExpression(String text, JsonQuery query) {
        this.text = text;
        this.query = query;
    }

    /**
     * Compiles a jq expression.
     *
     * @throws FlowStateSyntaxException naming the expression when it is not valid jq
     */
    static FlowStateExpression compile(String text) {
        try {
            return new FlowStateExpression(text, JsonQuery.compile(text, Versions.JQ_1_6));
        } catch (JsonQueryException | RuntimeException e) {
            throw new FlowStateSyntaxException(text, firstLine(e), e);
        }
    }

    /**
     * jq's reason: its parser's message (the query's own only repeats the text), of which the first line says where
     * and what; the next lines list every token it would have accepted.
     */
    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage()).strip();
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end).strip();
    }

    // ------------------------------------------------------------------ Expression / Predicate

    @Override
    @SuppressWarnings("unchecked")
    public <T> T evaluate(Exchange exchange, Class<T> type) {
        JsonValues json = jsonValues(exchange);
        List<JsonNode> outputs = run(exchange, json);
        if (type != null && JsonNode.class.isAssignableFrom(type)) {
            JsonNode node = outputs.isEmpty() ? NullNode.getInstance()
                    : outputs.size() == 1 ? outputs.get(0) : arrayOf(outputs);
            if (type.isInstance(node)) {
                return (T) node;
            }
        }
        Object value;
        try {
            value = toJava(json, outputs);
        } catch (RuntimeException e) {
            throw failure(exchange, "its result cannot be converted to Java: " + e.getMessage(), e);
        }
        if (type == null || type == Object.class || value == null) {
            return (T) value;
        }
        return exchange.getContext().getTypeConverter().convertTo(type, exchange, value);
    }

    @Override
    public boolean matches(Exchange exchange) {
        for (JsonNode output : run(exchange, jsonValues(exchange))) {
            if (!(output.isNull() || output.isMissingNode() || output.isBoolean() && !output.booleanValue())) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected String assertionFailureMessage(Exchange exchange) {
        return "flowstate expression " + text;
    }

    @Override
    public String toString() {
        return "flowstate{" + text + "}";
    }

    // ------------------------------------------------------------------ Helpers

    private List<JsonNode> run(Exchange exchange, JsonValues json) {
        FlowExecution execution = FlowExecution.find(exchange).orElse(null);
        ObjectNode document;
        try {
            document = execution != null ? execution.document() : messageDocument(exchange.getMessage(), json);
        } catch (FlowStateException e) {
            throw failure(exchange, execution, "the document of the run cannot be built: " + e.getMessage(), e);
        }
        Scope scope = Scope.newChildScope(Builtins.ROOT);
        Message message = exchange.getMessage();
        scope.setValue("body", () -> bodyJson(message, json));
        scope.setValue("headers", () -> headersJson(message, json));
        scope.addFunction("global", 1, globalFunction(exchange));
        List<JsonNode> outputs = new ArrayList<>(1);
        try {
            query.apply(scope, document, outputs::add);
        } catch (JsonQueryException e) {
            throw failure(exchange, execution, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw failure(exchange, execution, String.valueOf(e.getMessage()), e);
        }
        return outputs;
    }

    /**
     * jq {@code global("team/crm/config")}: the value of the global scope at that path (null when absent), read from
     * the repository of the exchange's flowstate component.
     */
    private static Function globalFunction(Exchange exchange) {
        return (scope, args, in, path, output, version) -> args.get(0).apply(scope, in, name -> {
            if (!name.isTextual()) {
                throw new JsonQueryException("global(path) takes a path string such as \"team/crm/config\", not "
                                             + name.getNodeType().name().toLowerCase());
            }
            FlowExecutions executions = FlowExecutions.find(exchange);
            if (executions == null || !executions.isStarted()) {
                throw new JsonQueryException("global(\"" + name.asText() + "\") needs a started flowstate component,"
                                             + " whose repository holds the global values");
            }
            JsonNode value = ((RepositoryStateStore) executions.globalScope()).getJson(name.asText());
            output.emit(value == null ? NullNode.getInstance() : value, null);
        });
    }

    private static Object toJava(JsonValues json, List<JsonNode> outputs) {
        if (outputs.isEmpty()) {
            return null;
        }
        if (outputs.size() == 1) {
            return json.toJava(outputs.get(0));
        }
        List<Object> values = new ArrayList<>(outputs.size());
        for (JsonNode output : outputs) {
            values.add(json.toJava(output));
        }
        return values;
    }

    private static ArrayNode arrayOf(List<JsonNode> outputs) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode(outputs.size());
        outputs.forEach(array::add);
        return array;
    }

    /** The component's conversions (with the user's Jackson modules) when the context has one; never creates it. */
    private static JsonValues jsonValues(Exchange exchange) {
        FlowExecutions executions = FlowExecutions.find(exchange);
        return executions != null ? executions.json() : Fallback.JSON;
    }

    /** The document of an exchange without a run: empty state, results and approvals, the current message as input. */
    static ObjectNode messageDocument(Message message, JsonValues json) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.putObject("state");
        doc.putObject("results");
        ObjectNode input = doc.putObject("input");
        Object body = message.getBody();
        JsonNode bodyNode = bodyJson(message, json);
        input.set("body", bodyNode);
        if (bodyNode.isNull() && body != null) {
            input.put("bodyType", body.getClass().getName());
        }
        input.set("headers", headersJson(message, json));
        doc.putNull("executionId");
        doc.putNull("flowId");
        doc.putObject("approvals");
        return doc;
    }

    /** The body as JSON; null when it is not a JSON value (a stream, a live object). Never reads a stream. */
    private static JsonNode bodyJson(Message message, JsonValues json) {
        Object body = message.getBody();
        try {
            return json.toJson("body", body);
        } catch (FlowStateException e) {
            return NullNode.getInstance();
        }
    }

    /** The headers that are JSON values; the others (a consumer's live handles) are left out. */
    private static ObjectNode headersJson(Message message, JsonValues json) {
        ObjectNode headers = JsonNodeFactory.instance.objectNode();
        if (message.hasHeaders()) {
            for (Map.Entry<String, Object> header : message.getHeaders().entrySet()) {
                try {
                    headers.set(header.getKey(), json.toJson(header.getKey(), header.getValue()));
                } catch (FlowStateException e) {
                    // not a JSON value: not part of the document
                }
            }
        }
        return headers;
    }

    private FlowStateExpressionException failure(Exchange exchange, String reason, Throwable cause) {
        return failure(exchange, FlowExecution.find(exchange).orElse(null), reason, cause);
    }

    private FlowStateExpressionException failure(
            Exchange exchange, FlowExecution execution, String reason, Throwable cause) {
        String run = execution != null ? "run " + execution.getExecutionId() + " of flow " + execution.getFlowId()
                : "an exchange without a run";
        return new FlowStateExpressionException(
                this, "The flowstate expression '" + text + "' failed on " + run + ": " + reason, exchange, cause);
    }
}
