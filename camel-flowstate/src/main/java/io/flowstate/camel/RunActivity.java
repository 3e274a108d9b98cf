package io.flowstate.camel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.execution.RunObserver;

/**
 * What this node's runs and maintenance did since the component started, as the health checks and the dev console
 * show it: checkpoint and resume latencies, the last maintenance pass, and since when no pass has completed.
 */
final class RunActivity implements RunObserver {

    /**
     * A maintenance pass that ended.
     *
     * @param failure what ended it, null when it completed
     */
    record MaintenancePass(Instant startedAt, Duration took, int continued, int removed, Exception failure) {
    }

    private final Clock clock;
    private volatile LatencyRecorder checkpoints;
    private volatile LatencyRecorder resumes;
    private volatile Instant since;
    private volatile MaintenancePass lastPass;
    /** When the last pass completed; the start while none has. */
    private volatile Instant lastCompletedAt;
    private volatile int failedInARow;

    RunActivity(Clock clock) {
        this.clock = clock;
        restart();
    }

    /** Forgets what happened before: the component started (again). */
    void restart() {
        checkpoints = new LatencyRecorder();
        resumes = new LatencyRecorder();
        since = clock.instant();
        lastCompletedAt = since;
        lastPass = null;
        failedInARow = 0;
    }

    @Override
    public void checkpointed(FlowExecution run, Duration took) {
        checkpoints.record(took);
    }

    @Override
    public void resumed(String flowId, Duration took) {
        resumes.record(took);
    }

    @Override
    public void maintenancePassEnded(Instant startedAt, Duration took, int continued, int removed, Exception failure) {
        lastPass = new MaintenancePass(startedAt, took, continued, removed, failure);
        if (failure == null) {
            lastCompletedAt = startedAt.plus(took);
            failedInARow = 0;
        } else {
            failedInARow++;
        }
    }

    Instant since() {
        return since;
    }

    LatencyRecorder checkpoints() {
        return checkpoints;
    }

    LatencyRecorder resumes() {
        return resumes;
    }

    /** The last pass that ended, null before the first. */
    MaintenancePass lastPass() {
        return lastPass;
    }

    Instant lastCompletedAt() {
        return lastCompletedAt;
    }

    /** Passes that failed since the last one that completed. */
    int failedInARow() {
        return failedInARow;
    }
}
