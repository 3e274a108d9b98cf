package io.flowstate.camel.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.flowstate.camel.snapshot.FlowStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The observers of the runs of one component: tells each, and keeps what one throws from the run. */
final class RunObservers implements RunObserver {

    private static final Logger LOG = LoggerFactory.getLogger(RunObservers.class);

    private final List<RunObserver> observers = new CopyOnWriteArrayList<>();

    void add(RunObserver observer) {
        observers.add(observer);
    }

    void remove(RunObserver observer) {
        observers.remove(observer);
    }

    @Override
    public void started(FlowExecution run) {
        tell(o -> o.started(run));
    }

    @Override
    public void checkpointed(FlowExecution run, Duration took) {
        tell(o -> o.checkpointed(run, took));
    }

    @Override
    public void conflicted(FlowExecution run) {
        tell(o -> o.conflicted(run));
    }

    @Override
    public void valueConflicted() {
        tell(RunObserver::valueConflicted);
    }

    @Override
    public void suspended(FlowExecution run, String waitingFor) {
        tell(o -> o.suspended(run, waitingFor));
    }

    @Override
    public void finished(FlowExecution run, FlowStatus status) {
        tell(o -> o.finished(run, status));
    }

    @Override
    public void continued(FlowExecution run, Continuation how) {
        tell(o -> o.continued(run, how));
    }

    @Override
    public void restarted(FlowExecution run, String fromStep, int attempt, String actor) {
        tell(o -> o.restarted(run, fromStep, attempt, actor));
    }

    @Override
    public void resumed(String flowId, Duration took) {
        tell(o -> o.resumed(flowId, took));
    }

    @Override
    public void maintenancePassEnded(Instant startedAt, Duration took, int continued, int removed, Exception failure) {
        tell(o -> o.maintenancePassEnded(startedAt, took, continued, removed, failure));
    }

    private void tell(Consumer<RunObserver> call) {
        for (RunObserver observer : observers) {
            try {
                call.accept(observer);
            } catch (RuntimeException e) {
                LOG.warn("A flowstate run observer ({}) failed; the run goes on: {}", observer, e.toString());
            }
        }
    }
}
