package io.flowstate.camel;

import java.time.Clock;
import java.util.List;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.WritableHealthCheckRepository;

/**
 * A component's two health checks ({@code flowstate-repository}, {@code flowstate-maintenance}) while it runs: added
 * to Camel's health check registry when camel-health is on the classpath and enabled (as camel-kafka adds its own), so
 * no option is needed. camel-health is optional: its classes are touched only once its registry answered.
 */
final class FlowStateHealthChecks {

    private final WritableHealthCheckRepository repository;
    private final List<HealthCheck> checks;

    private FlowStateHealthChecks(WritableHealthCheckRepository repository, List<HealthCheck> checks) {
        this.repository = repository;
        this.checks = checks;
    }

    /** Adds the checks of {@code component}; null when the context has no health check registry. */
    static FlowStateHealthChecks addTo(FlowStateComponent component, RunActivity activity) {
        WritableHealthCheckRepository repository = HealthCheckHelper.getHealthCheckRepository(
                component.getCamelContext(), FlowStateHealthCheckRepository.ID, WritableHealthCheckRepository.class);
        if (repository == null) {
            return null;
        }
        List<HealthCheck> checks = List.of(new FlowStateRepositoryHealthCheck(component,
                        component.getExecutions().clock()),
                // liveness watches the scheduler, which ticks in real time: the wall clock, as RunActivity's
                new FlowStateMaintenanceHealthCheck(component, activity, Clock.systemUTC()));
        checks.forEach(repository::addHealthCheck);
        return new FlowStateHealthChecks(repository, checks);
    }

    void remove() {
        checks.forEach(repository::removeHealthCheck);
    }
}
