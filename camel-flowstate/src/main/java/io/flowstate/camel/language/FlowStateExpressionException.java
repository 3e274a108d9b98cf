package io.flowstate.camel.language;

import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.ExpressionEvaluationException;

/**
 * A flowstate expression failed while it was evaluated (a jq error such as adding a number to a string, or a result
 * that cannot be converted). The message names the expression and the run (or says that no run was attached).
 */
public class FlowStateExpressionException extends ExpressionEvaluationException {

    public FlowStateExpressionException(Expression expression, String message, Exchange exchange, Throwable cause) {
        super(expression, message, exchange, cause);
    }
}
