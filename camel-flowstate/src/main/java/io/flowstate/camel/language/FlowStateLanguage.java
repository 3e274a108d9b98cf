package io.flowstate.camel.language;

import org.apache.camel.Expression;
import org.apache.camel.ExpressionIllegalSyntaxException;
import org.apache.camel.Predicate;
import org.apache.camel.spi.annotations.Language;
import org.apache.camel.support.LanguageSupport;
import org.apache.camel.support.builder.ValueBuilder;

/**
 * The {@code flowstate} language: <a href="https://jqlang.github.io/jq/manual/v1.6/">jq</a> expressions and predicates
 * over the run an exchange carries, evaluated by jackson-jq (jq 1.6).
 * <p>
 * An expression sees one JSON document:
 *
 * <pre>
 * {"state": {…}, "results": {"stepKey": …}, "input": {"body": …, "headers": {…}},
 *  "executionId": "…", "flowId": "…", "approvals": {"NAME": {"actor": …, "at": "…", "timedOut": …}}}
 * </pre>
 *
 * <ul>
 * <li>{@code state}: the run's own state (the {@code execution} scope); {@code results}: the results of its completed
 * steps, by step key; {@code input}: the body and headers the run started with; {@code executionId} and
 * {@code flowId}: its identity; {@code approvals}: who answered each approval step (flowstate:suspend:NAME) and
 * when, by NAME ({@code actor} is header CamelFlowStateActor of the resume, null when none was given or the timeout
 * answered; {@code timedOut} whether it did).</li>
 * <li>When the exchange carries no run, the expression does not start one: it sees empty {@code state},
 * {@code results} and {@code approvals}, null {@code executionId} and {@code flowId}, and the current message as
 * {@code input} (its body, and those of its headers that are JSON values; Camel's and the component's own headers
 * included only when they are JSON values too).</li>
 * <li>In both cases the variables {@code $body} and {@code $headers} hold the current message (inside a split, the
 * item), computed only when the expression uses them.</li>
 * </ul>
 * <p>
 * As an expression the jq output becomes plain Java: String, Number, Boolean, {@code Map}, {@code List} or null; several
 * outputs become a {@code List}, no output null; then Camel's type converter gives the type asked for (a
 * {@code JsonNode} is given as is). As a predicate the result is true unless the expression yields only {@code false}
 * or {@code null}, or nothing at all.
 * <p>
 * Expressions are compiled once, when the route is created: a bad one fails the route's start with an
 * {@link ExpressionIllegalSyntaxException} naming it. A jq error while evaluating (e.g. {@code .state.name + 1}) fails
 * the exchange with a {@link FlowStateExpressionException} naming the expression and the run.
 * <p>
 * In Java routes, {@link #flowstate(String)} gives the expression directly:
 * {@code choice().when(flowstate(".results.check.amount > 100"))}.
 */
@Language("flowstate")
public class FlowStateLanguage extends LanguageSupport {

    /** The language's name, as routes write it. */
    public static final String NAME = "flowstate";

    @Override
    public Predicate createPredicate(String expression) {
        return compile(expression);
    }

    @Override
    public Expression createExpression(String expression) {
        return compile(expression);
    }

    private FlowStateExpression compile(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new ExpressionIllegalSyntaxException(
                    String.valueOf(expression),
                    new IllegalArgumentException("A flowstate expression must not be empty; use '.' for the whole"
                                                 + " document"));
        }
        return FlowStateExpression.compile(loadResource(expression.trim()).trim());
    }

    /**
     * A flowstate expression for Java routes, usable wherever a route takes an expression or a predicate:
     * {@code .choice().when(flowstate(".results.check.amount > 100"))}, {@code .split(flowstate(".state.items"))},
     * {@code .setBody(flowstate(".state"))}. Compiled at once.
     *
     * @throws ExpressionIllegalSyntaxException when the expression is not valid jq
     */
    public static ValueBuilder flowstate(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new ExpressionIllegalSyntaxException(String.valueOf(expression),
                    new IllegalArgumentException("A flowstate expression must not be empty"));
        }
        return new ValueBuilder(FlowStateExpression.compile(expression.trim()));
    }
}
