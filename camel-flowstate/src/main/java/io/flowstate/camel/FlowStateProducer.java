package io.flowstate.camel;

import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.state.MissingStateException;
import io.flowstate.camel.state.StateStore;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.InvokeOnHeader;
import org.apache.camel.support.HeaderSelectorProducer;

/**
 * Performs the operation of a flowstate endpoint (or of header {@code CamelFlowStateOperation}) on the run the exchange
 * carries, starting one when it carries none.
 */
public class FlowStateProducer extends HeaderSelectorProducer {

    private final FlowStateEndpoint endpoint;
    private final FlowStateConfiguration configuration;

    public FlowStateProducer(FlowStateEndpoint endpoint) {
        super(endpoint, FlowStateConstants.OPERATION, endpoint::getOperation);
        this.endpoint = endpoint;
        this.configuration = endpoint.getConfiguration();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Object override = exchange.getMessage().getHeader(FlowStateConstants.OPERATION);
        if (override != null && !FlowStateEndpoint.OPERATIONS.contains(override.toString())) {
            exchange.setException(new FlowStateException(
                    "Unknown flowstate operation '" + override + "' in header " + FlowStateConstants.OPERATION
                                                         + ": use one of " + FlowStateEndpoint.OPERATIONS));
            callback.done(true);
            return true;
        }
        return super.process(exchange, callback);
    }

    // ------------------------------------------------------------------ Handlers

    @InvokeOnHeader("get")
    public void onGet(Exchange exchange) {
        String key = key(exchange, "get");
        Object value = store(exchange).get(key);
        if (value == null) {
            if (configuration.isRequired()) {
                FlowExecution run = FlowExecution.of(exchange);
                throw new MissingStateException("No value under state key '" + key + "' (scope "
                                                + scopeName() + " of flow '" + run.getFlowId() + "', run "
                                                + run.getExecutionId()
                                                + "). Set it before reading it, or use defaultValue= or required=false.");
            }
            value = configuration.getDefaultValue();
        }
        exchange.getMessage().setBody(value);
    }

    @InvokeOnHeader("set")
    public void onSet(Exchange exchange) {
        String key = key(exchange, "set");
        Message message = exchange.getMessage();
        Object header = message.getHeader(FlowStateConstants.VALUE);
        store(exchange).set(key, header != null ? header : message.getBody());
        if (header != null) {
            message.removeHeader(FlowStateConstants.VALUE);
        }
    }

    @InvokeOnHeader("append")
    public void onAppend(Exchange exchange) {
        String key = key(exchange, "append");
        Message message = exchange.getMessage();
        Object header = message.getHeader(FlowStateConstants.VALUE);
        store(exchange).append(key, header != null ? header : message.getBody());
        if (header != null) {
            message.removeHeader(FlowStateConstants.VALUE);
        }
    }

    @InvokeOnHeader("increment")
    public void onIncrement(Exchange exchange) {
        Number value = store(exchange).increment(key(exchange, "increment"), configuration.getIncrement());
        exchange.getMessage().setBody(value);
    }

    @InvokeOnHeader("delete")
    public void onDelete(Exchange exchange) {
        store(exchange).delete(key(exchange, "delete"));
    }

    @InvokeOnHeader("getAll")
    public void onGetAll(Exchange exchange) {
        exchange.getMessage().setBody(store(exchange).getAll());
    }

    @InvokeOnHeader("clear")
    public void onClear(Exchange exchange) {
        store(exchange).clear();
    }

    @InvokeOnHeader("start")
    public void onStart(Exchange exchange) {
        endpoint.getComponent().getExecutions().start(exchange, endpoint.getKey(), configuration.getStateClass());
    }

    // ------------------------------------------------------------------ Helpers

    private StateStore store(Exchange exchange) {
        return FlowExecution.of(exchange).scope(configuration.getScope(), configuration.isNoWarning());
    }

    private String key(Exchange exchange, String operation) {
        String key = exchange.getMessage().getHeader(FlowStateConstants.KEY, String.class);
        if (key == null) {
            key = endpoint.getKey();
        }
        if (key == null) {
            throw new FlowStateException("flowstate:" + operation + " needs a state key: write it in the URI"
                                         + " (flowstate:" + operation + ":myKey) or put it in header "
                                         + FlowStateConstants.KEY);
        }
        return key;
    }

    private String scopeName() {
        return configuration.getScope().name().toLowerCase();
    }
}
