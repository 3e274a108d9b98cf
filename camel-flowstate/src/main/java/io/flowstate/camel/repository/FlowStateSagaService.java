package io.flowstate.camel.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.execution.FlowExecutions;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.FlowStateException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.saga.CamelSagaCoordinator;
import org.apache.camel.saga.CamelSagaService;
import org.apache.camel.saga.CamelSagaStep;
import org.apache.camel.spi.Metadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CamelSagaService} whose sagas live in the flowstate repository: each saga, its steps with their compensation
 * and completion endpoints and the option values Camel evaluated for them, its status and its timeout. A saga that was
 * compensating or completing when its node died goes on from the step it had reached, on any node, in the component's
 * maintenance pass once its lease has passed (or {@link #runMaintenance()}); a saga whose timeout passed is compensated
 * by the same pass. Sagas are kept in namespace {@code flowstate:saga:default} unless {@code namespace} is set, and
 * removed {@code retention} after they ended. Each
 * compensation is called once per step in reverse order of the steps (at least once across a crash: the call carries
 * header {@value #STEP_KEY}, the same on a repeat, to deduplicate on).
 */
@Metadata(label = "bean",
          description = "Saga service whose sagas, steps, compensations and timeouts live in the flowstate repository"
                        + " (file, H2 or PostgreSQL): a saga interrupted by a crash goes on on any node.",
          annotations = { "interfaceName=org.apache.camel.saga.CamelSagaService" })
public class FlowStateSagaService extends FlowStateRepositorySupport implements CamelSagaService {

    /** Header of each compensation and completion call: the saga id and the step's index, the same on a repeat. */
    public static final String STEP_KEY = "CamelFlowStateSagaStepKey";

    private static final Logger LOG = LoggerFactory.getLogger(FlowStateSagaService.class);

    @Metadata(description = "How long a node owns a saga it compensates or completes before another node may take it"
                            + " over (ISO-8601).",
              defaultValue = "PT30S")
    private Duration lease = Duration.ofSeconds(30);
    @Metadata(description = "How long a finished saga stays stored (ISO-8601).", defaultValue = "P1D")
    private Duration retention = Duration.ofDays(1);

    private final String node = UUID.randomUUID().toString();
    private final Runnable maintenance = this::runMaintenance;
    private FlowExecutions registeredWith;
    private ProducerTemplate template;

    public FlowStateSagaService() {
        super("saga");
        setNamespace("default");
    }

    public Duration getLease() {
        return lease;
    }

    /** How long a node owns a saga it compensates or completes before another node may take it over. */
    public void setLease(Duration lease) {
        this.lease = lease;
    }

    public Duration getRetention() {
        return retention;
    }

    /** How long a finished saga stays stored. */
    public void setRetention(Duration retention) {
        this.retention = retention;
    }

    @Override
    public CompletableFuture<CamelSagaCoordinator> newSaga(Exchange exchange) {
        joinMaintenance();
        String id = "saga-" + UUID.randomUUID();
        ObjectNode saga = JsonNodeFactory.instance.objectNode();
        saga.put("id", id);
        saga.put("status", SagaStatus.ACTIVE.name());
        saga.putArray("steps");
        update(id, current -> saga);
        return CompletableFuture.completedFuture(new FlowStateSagaCoordinator(this, id));
    }

    @Override
    public CompletableFuture<CamelSagaCoordinator> getSaga(String id) {
        String key = RepositoryKeys.of("saga id", id);
        boolean stored = repository().getValue(storeNamespace(), key).isPresent();
        return CompletableFuture.completedFuture(stored ? new FlowStateSagaCoordinator(this, key) : null);
    }

    /** Nothing to keep: a saga stores the endpoints and option values of its own steps. */
    @Override
    public void registerStep(CamelSagaStep step) {
        // the steps are stored with each saga that begins them
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        joinMaintenance();
    }

    /**
     * Joins the flowstate component's maintenance pass, once the component is there (it may be set up after this
     * bean: then at the first saga).
     */
    private synchronized void joinMaintenance() {
        if (registeredWith == null && getCamelContext() != null) {
            registeredWith = getCamelContext().getCamelContextExtension().getContextPlugin(FlowExecutions.class);
            if (registeredWith != null) {
                registeredWith.addMaintenanceTask(maintenance);
            }
        }
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (registeredWith != null) {
            registeredWith.removeMaintenanceTask(maintenance);
            registeredWith = null;
        }
        if (template != null) {
            template.stop();
            template = null; // created again at first use
        }
        super.doStop();
    }

    /**
     * Compensates the sagas whose timeout passed and goes on with the sagas whose node stopped compensating or
     * completing them (lease passed); part of the component's maintenance pass.
     */
    public void runMaintenance() {
        Instant now = clock().instant();
        for (Map.Entry<String, VersionedValue> e : repository().getValues(storeNamespace()).entrySet()) {
            ObjectNode saga = (ObjectNode) e.getValue().value();
            SagaStatus status = SagaStatus.valueOf(saga.path("status").asText());
            try {
                if (status == SagaStatus.ACTIVE && saga.hasNonNull("timeoutAt")
                        && !Instant.parse(saga.get("timeoutAt").asText()).isAfter(now)) {
                    LOG.info("Saga {} timed out: compensating it", e.getKey());
                    new FlowStateSagaCoordinator(this, e.getKey()).finish(SagaStatus.COMPENSATING);
                } else if (status.isUnderWay() && !Instant.parse(saga.path("leaseUntil").asText()).isAfter(now)) {
                    LOG.info("Saga {} was left {} by its node: going on with it", e.getKey(), status);
                    new FlowStateSagaCoordinator(this, e.getKey()).finish(status);
                }
            } catch (RuntimeException ex) {
                LOG.warn("Saga {} could not go on, will try again at the next pass: {}", e.getKey(), ex.getMessage(), ex);
            }
        }
    }

    /** The template of the compensation and completion calls; a bean found in the registry may not be started. */
    synchronized ProducerTemplate template() {
        if (template == null) {
            if (getCamelContext() == null) {
                throw new FlowStateException("FlowStateSagaService has no CamelContext to call the compensations in:"
                                             + " declare it as a bean of the CamelContext");
            }
            template = getCamelContext().createProducerTemplate();
        }
        return template;
    }

    String node() {
        return node;
    }
}
