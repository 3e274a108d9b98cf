package io.flowstate.camel.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of one flow, all registered with its first run here, so a flow's dashboard shows zeros rather than
 * gaps.
 */
final class FlowMeters {

    final Counter started;
    final Counter completed;
    final Counter failed;
    final Counter suspended;
    final Counter resumed;
    final Counter timedOut;
    final Counter slept;
    final Counter woke;
    final Counter recovered;
    final Counter cancelled;
    final Timer checkpoint;
    final Timer resume;

    FlowMeters(MeterRegistry registry, Tags tags) {
        started = counter(registry, tags, "started", "Runs begun (inner runs too)");
        completed = counter(registry, tags, "completed", "Runs saved COMPLETED");
        failed = counter(registry, tags, "failed", "Runs saved FAILED");
        suspended = counter(registry, tags, "suspended", "Runs saved SUSPENDED at a flowstate:suspend");
        resumed = counter(registry, tags, "resumed", "Suspended runs continued by flowstate:resume");
        timedOut = counter(registry, tags, "timedout", "Suspended runs continued because their timeout passed");
        slept = counter(registry, tags, "slept", "Runs saved SUSPENDED at a flowstate:sleep");
        woke = counter(registry, tags, "woke", "Sleeping runs continued because their time came");
        recovered = counter(registry, tags, "recovered", "Runs taken over after their node's lease expired");
        cancelled = counter(registry, tags, "cancelled", "Runs saved CANCELLED (flowstate:cancel)");
        checkpoint = Timer.builder("flowstate.checkpoint").description("Saves of a run in the repository")
                .tags(tags).register(registry);
        resume = Timer.builder("flowstate.resume")
                .description("flowstate:resume calls, until the run reached its end or next wait")
                .tags(tags).register(registry);
    }

    private static Counter counter(MeterRegistry registry, Tags tags, String what, String description) {
        return Counter.builder("flowstate.runs." + what).description(description).tags(tags).register(registry);
    }
}
