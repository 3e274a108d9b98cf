package io.flowstate.camel.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The component's background work. Once at start and then every {@code recoveryInterval}, it continues runs whose node
 * died (expired lease) and suspended runs whose timeout passed, {@code recoveryThreads} of them at a time (a killed
 * node's runs are taken over in parallel, not one after another), and removes finished runs past their retention (and
 * beyond the cap on finished runs) and persistent values past their time-to-live; runs are continued only once the
 * CamelContext has started (their routes must be running). On its own thread and schedule, every third of
 * {@code leaseDuration}, it renews the leases of this node's running runs: however long the recovery interval, a lease
 * is renewed well before it expires. Both schedules tick in real time; what they compare (leases, wake-up times,
 * retention, expiry) is read from the component's clock. A pass asked for on demand ({@link #runOnce()}) never
 * overlaps one of the schedule's.
 */
public final class FlowMaintenance extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(FlowMaintenance.class);
    /** Runs continued per pass at most, so one pass cannot hold the thread for long. */
    private static final int BATCH = 100;
    private static final long STOP_TIMEOUT_MILLIS = 10_000;
    /**
     * How often per lease duration the leases are looked at. A lease is renewed once less than half of it is left, so
     * it is renewed with at least a sixth of it left (plus the time the renewal's write takes).
     */
    private static final int RENEWALS_PER_LEASE = 3;

    private final CamelContext context;
    private final FlowSnapshotRepository repository;
    private final FlowExecutions executions;
    private final FlowReentry reentry;
    private final Clock clock;
    private final Duration interval;
    private final Duration leaseDuration;
    private final Duration retention;
    private final int maxFinishedRuns;
    private final int recoveryThreads;
    private ScheduledExecutorService executor;
    /** The threads on which stored runs are continued; a pass waits until the runs it continued are done there. */
    private ExecutorService continuing;
    /** Leases are renewed on their own thread: a recovered run re-entered by a pass may hold the other for long. */
    private ScheduledExecutorService leaseRenewer;
    /** More housekeeping of the component run on every pass (e.g. sweeping scratch directories). */
    private final java.util.List<Runnable> tasks = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * Held for a whole pass: a pass asked for on demand waits for the schedule's under way (and the reverse), so two
     * passes never find the same due run at once, and what was due when a caller asked has been handled on return.
     */
    private final ReentrantLock passLock = new ReentrantLock();

    public FlowMaintenance(CamelContext context, FlowSnapshotRepository repository, FlowExecutions executions,
                           FlowReentry reentry, Clock clock, Duration interval, Duration leaseDuration,
                           Duration retention, int maxFinishedRuns, int recoveryThreads) {
        this.context = context;
        this.repository = repository;
        this.executions = executions;
        this.reentry = reentry;
        this.clock = clock;
        this.interval = interval;
        this.leaseDuration = leaseDuration;
        this.retention = retention;
        this.maxFinishedRuns = maxFinishedRuns;
        this.recoveryThreads = recoveryThreads;
    }

    /**
     * One pass, on the caller's thread, after any pass under way has ended; public so that tests and operators can run
     * it on demand. Returns the runs removed. The run observers are told how it ended, also when it failed.
     */
    public int runOnce() {
        passLock.lock();
        try {
            return pass();
        } finally {
            passLock.unlock();
        }
    }

    private int pass() {
        // when the pass really began (its duration is real time too): liveness compares it with the wall clock
        Instant startedAt = Instant.now();
        long began = System.nanoTime();
        int continued = 0;
        int removed = 0;
        try {
            if (context.isStarted()) {
                continued = continueStored();
                if (continued > 0) {
                    LOG.debug("Continued {} stored runs", continued);
                }
            }
            removed = repository.purgeFinished(clock.instant().minus(retention));
            if (maxFinishedRuns > 0) {
                removed += repository.purgeFinishedBeyond(maxFinishedRuns);
            }
            if (removed > 0) {
                LOG.debug("Removed {} finished runs past their retention", removed);
            }
            int expired = repository.purgeExpiredValues(clock.instant());
            if (expired > 0) {
                LOG.debug("Removed {} persistent values past their time-to-live", expired);
            }
            tasks.forEach(Runnable::run);
            executions.maintenanceTasks().forEach(Runnable::run);
        } catch (RuntimeException e) {
            executions.observers().maintenancePassEnded(startedAt, Duration.ofNanos(System.nanoTime() - began),
                    continued, removed, e);
            throw e;
        }
        executions.observers().maintenancePassEnded(startedAt, Duration.ofNanos(System.nanoTime() - began), continued,
                removed, null);
        return removed;
    }

    /**
     * Continues the runs found, a batch at a time, until a batch leaves some behind (fewer found, or some could not be
     * continued: they wait for the next pass), so a killed node's thousand runs need not wait for ten passes.
     */
    private int continueStored() {
        int continued = 0;
        int batch;
        do {
            batch = reentry.recoverExpired(BATCH, continuing);
            continued += batch;
        } while (batch == BATCH && context.isStarted());
        do {
            batch = reentry.wakeDue(BATCH, continuing);
            continued += batch;
        } while (batch == BATCH && context.isStarted());
        return continued;
    }

    /** How often a pass runs. */
    public Duration interval() {
        return interval;
    }

    /** Adds housekeeping to every pass (after retention); a task that throws ends that pass only. */
    public void addTask(Runnable task) {
        tasks.add(task);
    }

    @Override
    protected void doStart() {
        leaseRenewer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "FlowStateLeases");
        long renewEvery = Math.max(1, leaseDuration.dividedBy(RENEWALS_PER_LEASE).toMillis());
        leaseRenewer.scheduleWithFixedDelay(this::renewSafely, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
        continuing = context.getExecutorServiceManager().newFixedThreadPool(this, "FlowStateRecovery", recoveryThreads);
        executor = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "FlowStateMaintenance");
        executor.scheduleWithFixedDelay(this::runSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        // wait (bounded) for a pass under way: the repository is stopped right after this
        if (executor != null) {
            context.getExecutorServiceManager().shutdownGraceful(executor, STOP_TIMEOUT_MILLIS);
            executor = null;
        }
        if (continuing != null) {
            context.getExecutorServiceManager().shutdownGraceful(continuing, STOP_TIMEOUT_MILLIS);
            continuing = null;
        }
        if (leaseRenewer != null) {
            context.getExecutorServiceManager().shutdownGraceful(leaseRenewer, STOP_TIMEOUT_MILLIS);
            leaseRenewer = null;
        }
    }

    private void renewSafely() {
        try {
            executions.renewLeases(leaseDuration.dividedBy(2));
        } catch (RuntimeException e) {
            LOG.warn("Renewing the leases of running runs failed, will try again in {}: {}",
                    leaseDuration.dividedBy(RENEWALS_PER_LEASE), e.getMessage(), e);
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
