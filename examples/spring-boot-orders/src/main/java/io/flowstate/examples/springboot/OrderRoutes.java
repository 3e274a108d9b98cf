package io.flowstate.examples.springboot;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.execution.FlowRunNotFoundException;
import io.flowstate.camel.execution.ResumeException;
import io.flowstate.camel.support.InvalidIdentifierException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import static io.flowstate.camel.language.FlowStateLanguage.flowstate;

/**
 * The order approval flow. {@code POST /orders} validates and prices an order in two durable steps, ships small
 * orders at once and suspends large ones until {@code POST /orders/{id}/approval} resumes them with the run's token;
 * {@code GET /orders/{id}} shows a run. Every step with an id records its result and saves the run, so a run waiting
 * for approval survives a restart of the application: it is a row in the application's database, not a thread.
 */
@Component
public class OrderRoutes extends RouteBuilder {

    private static final String DECISION = "decision";
    private static final String DECIDED_BY = "decidedBy";

    /** Orders with a total above this wait for a person's approval. */
    private final int approvalLimit;

    public OrderRoutes(@Value("${orders.approval-limit}") int approvalLimit) {
        this.approvalLimit = approvalLimit;
    }

    @Override
    public void configure() {
        replyWith(403, "wrong resume token", ResumeException.InvalidToken.class);
        replyWith(409, "this order is not waiting for approval (decided already?)", ResumeException.NotSuspended.class);
        replyWith(404, "no such order run", FlowRunNotFoundException.class, InvalidIdentifierException.class);
        replyWith(400, "bad request: send JSON like {\"id\": \"o-1\", \"amount\": 250}, and a token to approve",
                IllegalArgumentException.class, JsonProcessingException.class, FlowStateException.class);

        // before the HTTP reply is written, also when a suspend ended the route: no request headers echoed back, and
        // the suspend's reply (a map: executionId, resumeToken, waitingFor) as JSON with 202 Accepted
        onCompletion().modeBeforeConsumer()
                .removeHeaders("*", "CamelFlowState*|CamelHttpResponseCode")
                .choice().when(body().isInstanceOf(Map.class))
                    .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(202))
                    .marshal().json()
                .end()
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));

        from("platform-http:/orders?httpMethodRestrict=POST").routeId("orders")
                .convertBodyTo(String.class)
                .to("flowstate:start")
                .step("validate")
                    .unmarshal().json()
                    .process(OrderRoutes::validate)
                .end()
                .to("flowstate:set:order")
                .step("price")
                    // total = amount + 15 shipping
                    .setBody(simple("${sum(${body[amount]},15)}"))
                .end()
                .to("flowstate:set:total")
                // branch on the result of step "price", read by its id with the flowstate language (jq)
                .choice()
                    .when(flowstate(".results.price > " + approvalLimit))
                        // saves the run SUSPENDED and replies {executionId, resumeToken, waitingFor}; continued by
                        // POST /orders/{id}/approval (body: its payload) or by the timeout (body: null)
                        .to("flowstate:suspend:approval?timeout={{orders.approval-timeout}}")
                        .process(OrderRoutes::decide)
                    .otherwise()
                        .setHeader(DECISION, constant("shipped"))
                        .setHeader(DECIDED_BY, constant("auto (below the approval limit)"))
                .end()
                .step("finish")
                    .setHeader(FlowStateConstants.VALUE, header(DECISION)).to("flowstate:set:decision")
                    .setHeader(FlowStateConstants.VALUE, header(DECIDED_BY)).to("flowstate:set:decidedBy")
                    .to("flowstate:getAll")
                    .process(OrderRoutes::result)
                .end()
                .marshal().json();

        // POST /orders/{id}/approval?token=... (or header Resume-Token) {"approved": true, "by": "ann"}
        from("platform-http:/orders/{id}/approval?httpMethodRestrict=POST").routeId("approvals")
                .setHeader(FlowStateConstants.EXECUTION_ID, header("id"))
                .setHeader(FlowStateConstants.RESUME_TOKEN, simple("${header.token} ?: ${header.Resume-Token}"))
                .convertBodyTo(String.class)
                .unmarshal().json()
                // continues the run and replies with what the flow replies at its end
                .to("flowstate:resume");

        // GET /orders/{id}: the run's status and state, read from the repository (attaching changes nothing stored)
        from("platform-http:/orders/{id}?httpMethodRestrict=GET").routeId("orderStatus")
                .setHeader(FlowStateConstants.EXECUTION_ID, header("id"))
                .to("flowstate:restore")
                .to("flowstate:getAll")
                .process(exchange -> exchange.getMessage().setBody(Map.of(
                        "executionId", exchange.getMessage().getHeader("id"),
                        "status", exchange.getMessage().getHeader(FlowStateConstants.STATUS),
                        "state", exchange.getMessage().getBody())))
                .marshal().json();
    }

    /** Refused requests: handled, answered with this HTTP status and a JSON error. */
    @SafeVarargs
    private void replyWith(int status, String error, Class<? extends Throwable>... exceptions) {
        Processor reply = exchange -> {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
            exchange.getMessage().setBody("{\"error\": \"" + error.replace("\"", "\\\"") + "\"}");
        };
        onException(exceptions).handled(true).log("Refused (" + status + "): ${exception.message}").process(reply);
    }

    private static void validate(Exchange exchange) {
        Map<?, ?> order = exchange.getMessage().getBody(Map.class);
        if (order == null || !(order.get("id") instanceof String)
                || !(order.get("amount") instanceof Number amount) || amount.doubleValue() <= 0) {
            throw new IllegalArgumentException("An order needs an id and a positive amount");
        }
    }

    /** The approval payload ({"approved": true, "by": "ann"}), or the timeout, decides. */
    private static void decide(Exchange exchange) {
        Map<?, ?> approval = exchange.getMessage().getBody(Map.class);
        boolean timedOut = exchange.getMessage().getHeader(FlowStateConstants.TIMED_OUT, false, Boolean.class);
        boolean approved = !timedOut && approval != null && Boolean.TRUE.equals(approval.get("approved"));
        exchange.getMessage().setHeader(DECISION, approved ? "shipped" : "rejected");
        Object by = timedOut ? "timeout" : approval == null ? null : approval.get("by");
        exchange.getMessage().setHeader(DECIDED_BY, by == null ? "unknown" : by.toString());
    }

    /** The flow's reply, from its state. */
    private static void result(Exchange exchange) {
        Map<?, ?> state = exchange.getMessage().getBody(Map.class);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("orderId", ((Map<?, ?>) state.get("order")).get("id"));
        result.put("status", state.get(DECISION));
        result.put("total", state.get("total"));
        result.put(DECIDED_BY, state.get(DECIDED_BY));
        result.put("executionId", exchange.getMessage().getHeader(FlowStateConstants.EXECUTION_ID));
        exchange.getMessage().setBody(result);
    }
}
