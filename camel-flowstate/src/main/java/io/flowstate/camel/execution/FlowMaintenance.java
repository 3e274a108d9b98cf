package io.flowstate.camel.execution;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repository's housekeeping, once at start and then every {@code recoveryInterval}: removes finished runs past
 * their retention (and beyond the cap on finished runs), so storage does not grow without bound by default.
 */
public final class FlowMaintenance extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(FlowMaintenance.class);

    private final CamelContext context;
    private final FlowSnapshotRepository repository;
    private final Clock clock;
    private final Duration interval;
    private final Duration retention;
    private final int maxFinishedRuns;
    private ScheduledExecutorService executor;

    public FlowMaintenance(CamelContext context, FlowSnapshotRepository repository, Clock clock, Duration interval,
                           Duration retention, int maxFinishedRuns) {
        this.context = context;
        this.repository = repository;
        this.clock = clock;
        this.interval = interval;
        this.retention = retention;
        this.maxFinishedRuns = maxFinishedRuns;
    }

    /** One pass; public so that tests and operators can run it on demand. */
    public int runOnce() {
        int removed = repository.purgeFinished(clock.instant().minus(retention));
        if (maxFinishedRuns > 0) {
            removed += repository.purgeFinishedBeyond(maxFinishedRuns);
        }
        if (removed > 0) {
            LOG.debug("Removed {} finished runs past their retention", removed);
        }
        return removed;
    }

    @Override
    protected void doStart() {
        executor = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "FlowStateMaintenance");
        executor.scheduleWithFixedDelay(this::runSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (executor != null) {
            context.getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
    }

    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            LOG.warn("Flow state housekeeping failed, will try again in {}: {}", interval, e.getMessage(), e);
        }
    }
}
