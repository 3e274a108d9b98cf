package io.flowstate.camel.metrics;

import io.flowstate.camel.execution.FlowExecutions;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.CamelContext;

/**
 * Turns the run metrics on when the application has Micrometer: the component's only way to {@link FlowStateMetrics}.
 * <p>
 * Micrometer is an optional dependency, so this class imports none of its types: the JVM resolves the Micrometer
 * types {@link FlowStateMetrics} refers to only when that class is first used, with the class loader that defined it
 * (this class's). {@link #bind} therefore asks that same class loader for {@code MeterRegistry} first and touches
 * {@link FlowStateMetrics} only when it is found; without Micrometer the component loads and runs, without metrics
 * ({@code MetricsWithoutMicrometerTest} runs a flow on a class path without Micrometer to prove it).
 */
public final class MetricsBinding {

    /** The type whose presence means Micrometer is on the class path. */
    static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

    private MetricsBinding() {
    }

    /**
     * Counts what happens to the runs of {@code executions} into the context's {@code MeterRegistry}.
     *
     * @return what stops counting (when the component stops), or null when Micrometer is absent or the registry holds
     *         no usable {@code MeterRegistry}
     */
    public static AutoCloseable bind(CamelContext context, FlowExecutions executions, FlowSnapshotRepository repository) {
        if (!micrometerPresent()) {
            return null;
        }
        return FlowStateMetrics.bind(context, executions, repository, repositoryKind(repository));
    }

    static boolean micrometerPresent() {
        try {
            Class.forName(METER_REGISTRY, false, MetricsBinding.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The tag {@code repository}: what kind of store, never where it is (a URL or path may carry secrets). */
    static String repositoryKind(FlowSnapshotRepository repository) {
        if (repository instanceof FileFlowSnapshotRepository) {
            return "file";
        } else if (repository instanceof JdbcFlowSnapshotRepository) {
            return "jdbc";
        } else if (repository instanceof MemoryFlowSnapshotRepository) {
            return "memory";
        }
        String simpleName = repository.getClass().getSimpleName();
        return simpleName.isEmpty() ? repository.getClass().getName() : simpleName; // an anonymous class has none
    }
}
