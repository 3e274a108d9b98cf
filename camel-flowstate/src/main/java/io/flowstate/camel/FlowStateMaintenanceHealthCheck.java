package io.flowstate.camel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.flowstate.camel.execution.FlowMaintenance;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Liveness {@code flowstate-maintenance}: DOWN once no maintenance pass (recovery, timeouts, retention) has completed
 * for {@value #INTERVALS} recovery intervals in a row, whether a pass is stuck or each one fails (then with the last
 * error): without it, crashed nodes' runs are never taken over and suspend timeouts never fire.
 */
final class FlowStateMaintenanceHealthCheck extends AbstractHealthCheck {

    static final String ID = "flowstate-maintenance";
    static final int INTERVALS = 3;

    private final FlowStateComponent component;
    private final RunActivity activity;
    private final Clock clock;

    FlowStateMaintenanceHealthCheck(FlowStateComponent component, RunActivity activity, Clock clock) {
        super("camel", ID);
        this.component = component;
        this.activity = activity;
        this.clock = clock;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    public boolean isLiveness() {
        return true; // not by default in camel-health
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        FlowMaintenance maintenance = component.getMaintenance();
        if (maintenance == null) {
            builder.message("The flowstate component is not started: no maintenance runs").down();
            return;
        }
        Duration interval = maintenance.interval();
        Instant lastCompleted = activity.lastCompletedAt();
        RunActivity.MaintenancePass last = activity.lastPass();
        builder.detail("recovery.interval", interval.toString()).detail("last.completed", lastCompleted.toString())
                .detail("failed.in.a.row", activity.failedInARow());
        if (Duration.between(lastCompleted, clock.instant()).compareTo(interval.multipliedBy(INTERVALS)) <= 0) {
            builder.up();
            return;
        }
        if (last != null && last.failure() != null) {
            builder.message("The flowstate maintenance pass has not completed since " + lastCompleted + " ("
                            + INTERVALS + " recovery intervals of " + interval + "): the last " + activity.failedInARow()
                            + " failed, the last with: " + last.failure().getMessage())
                    .error(last.failure());
        } else {
            builder.message("The flowstate maintenance pass has not completed since " + lastCompleted + " ("
                            + INTERVALS + " recovery intervals of " + interval + "): a pass is stuck; see the thread"
                            + " FlowStateMaintenance in a thread dump");
        }
        builder.down();
    }
}
