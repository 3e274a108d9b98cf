package io.flowstate.camel.step;

import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.execution.FlowExecutions;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Ends inner runs: when the route an inner run was started in is done with the exchange (an inner flow reached
 * through to("direct:…") returns to its caller), the inner run is finished and its parent attached again.
 */
final class FlowRoutePolicy extends RoutePolicySupport {

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        FlowExecution run = FlowExecution.find(exchange).orElse(null);
        if (run != null && run.getParentExecutionId() != null && route.getRouteId().equals(run.getRouteId())) {
            try {
                FlowExecutions.find(exchange).endInner(exchange, run);
            } catch (RuntimeException e) {
                // Camel only logs what a route policy throws: the calling route must fail instead of carrying on as
                // if the inner run had been finished (or its parent saved SUSPENDED)
                exchange.setException(e);
            }
        }
    }
}
