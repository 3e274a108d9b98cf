package io.flowstate.camel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.WritableHealthCheckRepository;

/**
 * The health checks of the flowstate components of a CamelContext ({@code flowstate-repository},
 * {@code flowstate-maintenance}), which each component adds while it runs. Camel's health check registry creates it on
 * the first request for the repository {@value #ID} (from {@code META-INF/services/org/apache/camel/health-check/}),
 * only when camel-health is on the classpath and health checks are enabled.
 */
public class FlowStateHealthCheckRepository implements WritableHealthCheckRepository {

    public static final String ID = "flowstate";

    private final List<HealthCheck> checks = new CopyOnWriteArrayList<>();
    private volatile boolean enabled = true;

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public Stream<HealthCheck> stream() {
        return enabled ? checks.stream() : Stream.empty();
    }

    @Override
    public void addHealthCheck(HealthCheck check) {
        checks.add(check);
    }

    @Override
    public void removeHealthCheck(HealthCheck check) {
        checks.remove(check);
    }
}
