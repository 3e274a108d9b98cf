package io.flowstate.camel.language;

import org.apache.camel.ExpressionIllegalSyntaxException;

/**
 * A flowstate expression is not valid jq. Raised when the route is created, so the route does not start; the message
 * names the expression and gives jq's reason.
 */
public class FlowStateSyntaxException extends ExpressionIllegalSyntaxException {

    private final String reason;

    public FlowStateSyntaxException(String expression, String reason, Throwable cause) {
        super(expression, cause);
        this.reason = reason;
    }

    @Override
    public String getMessage() {
        return "Illegal flowstate expression '" + getExpression() + "': " + reason;
    }
}
