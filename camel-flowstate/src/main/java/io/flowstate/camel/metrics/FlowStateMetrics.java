package io.flowstate.camel.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.execution.FlowExecutions;
import io.flowstate.camel.execution.RunObserver;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.RunCounts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run metrics of one component in a Micrometer {@link MeterRegistry}, counted as this node's runs move (a
 * {@link RunObserver}); the meters, their tags and when they move are listed in docs/observability.md. Reached only
 * through {@link MetricsBinding}, which checks first that Micrometer is there.
 */
final class FlowStateMetrics implements RunObserver, AutoCloseable {

    /** The name camel-micrometer looks its registry up by: preferred when the registry holds several. */
    static final String CAMEL_REGISTRY_NAME = "metricsRegistry";

    private static final Logger LOG = LoggerFactory.getLogger(FlowStateMetrics.class);

    private final MeterRegistry registry;
    private final FlowExecutions executions;
    private final FlowSnapshotRepository repository;
    private final Tags repositoryTag;
    private final Map<String, FlowMeters> flows = new ConcurrentHashMap<>();
    private final Counter checkpointConflicts;
    private final Counter valueConflicts;
    private final List<Gauge> storedRuns;
    /** The stored runs as the last maintenance pass counted them; null before the first. */
    private volatile RunCounts counted;

    private FlowStateMetrics(
            MeterRegistry registry, FlowExecutions executions, FlowSnapshotRepository repository, String repositoryKind) {
        this.registry = registry;
        this.executions = executions;
        this.repository = repository;
        this.repositoryTag = Tags.of("repository", repositoryKind);
        this.checkpointConflicts = conflicts("checkpoint");
        this.valueConflicts = conflicts("value");
        this.storedRuns = Stream.of(FlowStatus.values()).map(this::storedRuns).toList();
    }

    /** Observes {@code executions} into the context's MeterRegistry; null when there is none to use. */
    static FlowStateMetrics bind(
            CamelContext context, FlowExecutions executions, FlowSnapshotRepository repository, String repositoryKind) {
        MeterRegistry registry = find(context);
        if (registry == null) {
            return null;
        }
        FlowStateMetrics metrics = new FlowStateMetrics(registry, executions, repository, repositoryKind);
        executions.addObserver(metrics);
        LOG.debug("Run metrics of the {} repository go to {}", repositoryKind, registry);
        return metrics;
    }

    /**
     * The bean named {@value #CAMEL_REGISTRY_NAME} (the one camel-micrometer uses), else the only MeterRegistry bean (Spring
     * Boot's), else the only composite among several (Spring Boot's primary one, over one registry per backend).
     */
    static MeterRegistry find(CamelContext context) {
        MeterRegistry named = context.getRegistry().lookupByNameAndType(CAMEL_REGISTRY_NAME, MeterRegistry.class);
        if (named != null) {
            return named;
        }
        Set<MeterRegistry> all = context.getRegistry().findByType(MeterRegistry.class);
        if (all.size() == 1) {
            return all.iterator().next();
        }
        List<MeterRegistry> composites = all.stream().filter(CompositeMeterRegistry.class::isInstance).toList();
        if (composites.size() == 1) {
            return composites.get(0);
        }
        if (!all.isEmpty()) {
            LOG.warn("The registry holds {} MeterRegistry beans and none is named {}: flowstate records no metrics."
                     + " Name the one to use {}.", all.size(), CAMEL_REGISTRY_NAME, CAMEL_REGISTRY_NAME);
        }
        return null;
    }

    /**
     * Stops observing. The counters and timers stay in the registry with their totals; the gauges go, as nothing
     * refreshes them any more (a restart registers them again).
     */
    @Override
    public void close() {
        executions.removeObserver(this);
        storedRuns.forEach(registry::remove);
    }

    @Override
    public void started(FlowExecution run) {
        flow(run.getFlowId()).started.increment();
    }

    @Override
    public void checkpointed(FlowExecution run, Duration took) {
        flow(run.getFlowId()).checkpoint.record(took);
    }

    @Override
    public void conflicted(FlowExecution run) {
        checkpointConflicts.increment();
    }

    @Override
    public void valueConflicted() {
        valueConflicts.increment();
    }

    @Override
    public void suspended(FlowExecution run, String waitingFor) {
        if (waitingFor.startsWith(FlowExecutions.SLEEP_PREFIX)) {
            flow(run.getFlowId()).slept.increment();
        } else if (!waitingFor.startsWith(FlowExecutions.INNER_PREFIX)) {
            // a parent waiting for its suspended inner run is not counted: the inner run's suspend is
            flow(run.getFlowId()).suspended.increment();
        }
    }

    @Override
    public void finished(FlowExecution run, FlowStatus status) {
        FlowMeters meters = flow(run.getFlowId());
        switch (status) {
            case COMPLETED -> meters.completed.increment();
            case FAILED -> meters.failed.increment();
            case CANCELLED -> meters.cancelled.increment();
            default -> throw new IllegalArgumentException("Not a finished status: " + status);
        }
    }

    @Override
    public void continued(FlowExecution run, Continuation how) {
        FlowMeters meters = flow(run.getFlowId());
        switch (how) {
            case RESUMED -> meters.resumed.increment();
            case TIMED_OUT -> meters.timedOut.increment();
            case WOKE -> meters.woke.increment();
            case RECOVERED -> meters.recovered.increment();
        }
    }

    @Override
    public void resumed(String flowId, Duration took) {
        flow(flowId).resume.record(took);
    }

    /** Counts the stored runs for the gauge: on the maintenance thread, never on a run's. */
    @Override
    public void maintenancePassEnded(Instant startedAt, Duration took, int continued, int removed, Exception failure) {
        if (failure != null) {
            return; // the repository failed the pass; the gauge keeps the last counts rather than fail again
        }
        try {
            counted = repository.countRuns(executions.clock().instant());
        } catch (RuntimeException e) {
            LOG.warn("Could not count the stored runs for the flowstate.runs gauge, which keeps its last values: {}",
                    e.toString());
        }
    }

    private Gauge storedRuns(FlowStatus status) {
        return Gauge.builder("flowstate.runs", this, metrics -> metrics.stored(status))
                .description("Runs stored in the repository (all nodes), counted after each maintenance pass")
                .tags(repositoryTag).tag("status", status.name()).register(registry);
    }

    /** NaN until the first pass counted: not a misleading 0. */
    private double stored(FlowStatus status) {
        RunCounts counts = counted;
        return counts == null ? Double.NaN : counts.byStatus().get(status);
    }

    private FlowMeters flow(String flowId) {
        return flows.computeIfAbsent(flowId, id -> new FlowMeters(registry, repositoryTag.and("flow", id)));
    }

    private Counter conflicts(String write) {
        return Counter.builder("flowstate.conflicts")
                .description("Writes refused because a concurrent write changed the stored version first")
                .tags(repositoryTag).tag("write", write).register(registry);
    }
}
