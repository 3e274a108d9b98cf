package io.flowstate.camel;

import io.flowstate.camel.support.BusinessKeys;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;

/**
 * The business key an exchange gives: header {@code CamelFlowStateBusinessKey} when present, else the endpoint's
 * {@code businessKey} option, evaluated with Camel's simple language when it holds {@code ${...}} (so one route gives
 * each exchange its own key: {@code businessKey=${header.orderId}}).
 */
final class BusinessKeyOption {

    private final String text;
    private final Expression expression;

    BusinessKeyOption(CamelContext context, String text) {
        this.text = text;
        this.expression = text != null && text.contains("${")
                ? context.resolveLanguage("simple").createExpression(text) : null;
    }

    /**
     * The exchange's key, validated; null when neither header nor option gives one.
     *
     * @param take whether to take the header off the message (a run that starts keeps its key; the header must not
     *             reach the start of an inner flow)
     */
    String of(Exchange exchange, boolean take) {
        String key = exchange.getMessage().getHeader(FlowStateConstants.BUSINESS_KEY, String.class);
        if (key != null) {
            if (take) {
                exchange.getMessage().removeHeader(FlowStateConstants.BUSINESS_KEY);
            }
            return BusinessKeys.require(key);
        }
        if (expression == null) {
            return text;
        }
        String value = expression.evaluate(exchange, String.class);
        if (value == null || value.isEmpty()) {
            throw new FlowStateException("The businessKey option " + text + " gave no value for this exchange: give"
                                         + " every exchange a key, or leave the option out for runs without one");
        }
        return BusinessKeys.require(value);
    }
}
