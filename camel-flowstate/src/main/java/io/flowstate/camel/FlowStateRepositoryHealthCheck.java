package io.flowstate.camel;

import java.time.Clock;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.support.Identifiers;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness {@code flowstate-repository}: UP while the repository answers and accepts a write. Each call writes the
 * time into one probe value in a namespace no flow can use ({@value #PROBE_NAMESPACE}), overwriting it in place:
 * the probe adds no run and no other data, whatever the number of calls. DOWN with the repository's error (database
 * down, data directory not writable).
 */
final class FlowStateRepositoryHealthCheck extends AbstractHealthCheck {

    static final String ID = "flowstate-repository";
    static final String PROBE_NAMESPACE = Identifiers.RESERVED_PREFIX + "health";
    static final String PROBE_KEY = "probe";
    /** Causes looked at below an error: enough for a pool over a driver over a socket, and safe from cycles. */
    private static final int MAX_CAUSES = 8;

    private final FlowStateComponent component;
    private final Clock clock;

    FlowStateRepositoryHealthCheck(FlowStateComponent component, Clock clock) {
        super("camel", ID);
        this.component = component;
        this.clock = clock;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        FlowSnapshotRepository repository = component.getRepository();
        if (repository == null) {
            builder.message("The flowstate component is not started: it has no repository yet").down();
            return;
        }
        builder.detail("repository", repository.getClass().getSimpleName()).detail("location", repository.location());
        try {
            long version = repository.getValue(PROBE_NAMESPACE, PROBE_KEY).map(VersionedValue::version).orElse(0L);
            repository.putValue(PROBE_NAMESPACE, PROBE_KEY, JsonNodeFactory.instance.textNode(clock.instant().toString()),
                    version);
            builder.up();
        } catch (FlowSnapshotConflictException e) {
            builder.up(); // another node probed in between: the store answered and compared versions
        } catch (RuntimeException e) {
            builder.message("The flowstate repository at " + repository.location() + " does not accept a write: "
                            + withCauses(e))
                    .error(e).down();
        }
    }

    /**
     * The error's message and those of its causes that it does not repeat: a pool says "connection is not available"
     * and leaves the driver's "connection refused" to a cause.
     */
    private static String withCauses(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause.getMessage() != null && text.indexOf(cause.getMessage()) < 0) {
                text.append("; caused by: ").append(cause.getMessage());
            }
        }
        return text.toString();
    }
}
