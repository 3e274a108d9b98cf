package io.flowstate.camel.repository;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateException;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.saga.CamelSagaCoordinator;
import org.apache.camel.saga.CamelSagaStep;

/**
 * One stored saga of a {@link FlowStateSagaService}. Every change is a compare-and-set of the saga's document; a
 * compensation or completion marks its step done only after the call returned, so a crash repeats at most the step
 * under way.
 */
final class FlowStateSagaCoordinator implements CamelSagaCoordinator {

    private final FlowStateSagaService service;
    private final String id;

    FlowStateSagaCoordinator(FlowStateSagaService service, String id) {
        this.service = service;
        this.id = id;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public CompletableFuture<Void> beginStep(Exchange exchange, CamelSagaStep step) {
        try {
            ObjectNode stored = JsonNodeFactory.instance.objectNode();
            step.getCompensation().ifPresent(e -> stored.put("compensation", e.getEndpointUri()));
            step.getCompletion().ifPresent(e -> stored.put("completion", e.getEndpointUri()));
            ObjectNode options = stored.putObject("options");
            for (Map.Entry<String, Expression> option : step.getOptions().entrySet()) {
                Object value = option.getValue().evaluate(exchange, Object.class);
                options.set(option.getKey(), ExchangeJson.value(value, "the value of option '" + option.getKey()
                                                                       + "'",
                        "FlowStateSagaService (saga " + id + ")"));
            }
            Instant timeoutAt = step.getTimeoutInMilliseconds().map(ms -> service.clock().instant().plusMillis(ms))
                    .orElse(null);
            service.update(id, saga -> {
                requireStatus(saga, SagaStatus.ACTIVE, "begin a step");
                if (stored.has("compensation") || stored.has("completion")) {
                    ((ArrayNode) saga.get("steps")).add(stored); // a step without endpoints (the saga's own) calls none
                }
                if (timeoutAt != null && (!saga.hasNonNull("timeoutAt")
                        || timeoutAt.isBefore(Instant.parse(saga.get("timeoutAt").asText())))) {
                    saga.put("timeoutAt", timeoutAt.toString());
                }
                return saga;
            });
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> compensate(Exchange exchange) {
        return run(SagaStatus.COMPENSATING);
    }

    @Override
    public CompletableFuture<Void> complete(Exchange exchange) {
        return run(SagaStatus.COMPLETING);
    }

    private CompletableFuture<Void> run(SagaStatus underWay) {
        try {
            finish(underWay);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Takes the saga (ACTIVE, or under way with its lease passed or held by this node) into {@code underWay}, then calls
     * the compensations from the last step back (or the completions from the first), marking each step done once its
     * call returned, and ends it COMPENSATED (COMPLETED). Does nothing when the saga has already ended that way or
     * another node holds it.
     */
    void finish(SagaStatus underWay) {
        boolean[] taken = new boolean[1];
        service.update(id, saga -> {
            SagaStatus status = status(saga);
            Instant now = service.clock().instant();
            boolean mine = status == underWay && (service.node().equals(saga.path("owner").asText())
                    || !Instant.parse(saga.path("leaseUntil").asText()).isAfter(now));
            taken[0] = status == SagaStatus.ACTIVE || mine;
            if (!taken[0]) {
                if (status != underWay && status != underWay.end()) {
                    throw new FlowStateException("Saga " + id + " is " + status + ": it cannot be "
                                                 + underWay.name().toLowerCase());
                }
                return saga; // ended already, or another node holds it: unchanged
            }
            return lease(saga, underWay, now);
        });
        if (!taken[0]) {
            return;
        }
        String call = underWay == SagaStatus.COMPENSATING ? "compensation" : "completion";
        for (Integer step = nextStep(underWay, call); step != null; step = nextStep(underWay, call)) {
            int index = step;
            invoke(index, call);
            service.update(id, saga -> {
                ((ObjectNode) saga.get("steps").get(index)).put(call + "Done", true);
                return lease(saga, underWay, service.clock().instant());
            });
        }
        service.update(id, saga -> {
            saga.put("status", underWay.end().name());
            saga.remove("leaseUntil");
            return saga;
        }, service.clock().instant().plus(service.getRetention()));
    }

    private ObjectNode lease(ObjectNode saga, SagaStatus underWay, Instant now) {
        saga.put("status", underWay.name());
        saga.put("owner", service.node());
        saga.put("leaseUntil", now.plus(service.getLease()).toString());
        return saga;
    }

    /** The step whose call comes next: from the last back for compensations, from the first for completions. */
    private Integer nextStep(SagaStatus underWay, String call) {
        JsonNode steps = service.repository().getValue(service.storeNamespace(), id)
                .orElseThrow(() -> new FlowStateException("Saga " + id + " is no longer stored")).value().get("steps");
        boolean backwards = underWay == SagaStatus.COMPENSATING;
        for (int i = 0; i < steps.size(); i++) {
            int index = backwards ? steps.size() - 1 - i : i;
            JsonNode step = steps.get(index);
            if (step.hasNonNull(call) && !step.path(call + "Done").asBoolean()) {
                return index;
            }
        }
        return null;
    }

    private void invoke(int index, String call) {
        JsonNode step = service.repository().getValue(service.storeNamespace(), id).orElseThrow().value().get("steps")
                .get(index);
        String uri = step.get(call).asText();
        ProducerTemplate template = service.template();
        Exchange result = template.send(uri, exchange -> {
            exchange.getMessage().setHeader(Exchange.SAGA_LONG_RUNNING_ACTION, id);
            exchange.getMessage().setHeader(FlowStateSagaService.STEP_KEY, id + ":" + index);
            for (Iterator<Map.Entry<String, JsonNode>> it = step.path("options").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> option = it.next();
                exchange.getMessage().setHeader(option.getKey(), ExchangeJson.plain(option.getValue()));
            }
        });
        if (result.getException() != null) {
            throw new FlowStateException("The " + call + " of step " + (index + 1) + " of saga " + id + " (" + uri
                                         + ") failed: " + result.getException().getMessage()
                                         + ". It is called again at a later maintenance pass",
                    result.getException());
        }
    }

    private void requireStatus(ObjectNode saga, SagaStatus expected, String what) {
        if (saga == null) {
            throw new FlowStateException("Saga " + id + " is not stored: cannot " + what);
        }
        if (status(saga) != expected) {
            throw new FlowStateException("Saga " + id + " is " + status(saga) + ": cannot " + what);
        }
    }

    private SagaStatus status(ObjectNode saga) {
        if (saga == null) {
            throw new FlowStateException("Saga " + id + " is not stored");
        }
        return SagaStatus.valueOf(saga.path("status").asText());
    }
}
