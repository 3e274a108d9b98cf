package io.flowstate.camel;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.flowstate.camel.execution.FlowMaintenance;
import io.flowstate.camel.execution.RunningRun;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.RunCounts;
import org.apache.camel.Component;
import org.apache.camel.spi.annotations.DevConsole;
import org.apache.camel.support.console.AbstractDevConsole;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

/**
 * Dev console {@code flowstate}: where runs are stored and how many there are (by status, by flow, SUSPENDED by what
 * they wait for with the oldest one's age, due wake-ups, expired leases), this node's running runs and their lease
 * expiry, the last maintenance pass, and checkpoint and resume latency since the component started. Counts come from
 * {@link FlowSnapshotRepository#countRuns}; a repository that fails is shown with its error instead.
 */
@DevConsole(name = "flowstate", displayName = "Flow State", description = "Durable runs of the flowstate component")
public class FlowStateDevConsole extends AbstractDevConsole {

    /** This node's running runs listed at most (their number is always given). */
    static final int MAX_RUNNING_LISTED = 100;

    public FlowStateDevConsole() {
        super("camel", "flowstate", "Flow State", "Durable runs of the flowstate component");
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        return FlowStateConsoleText.of(doCallJson(options));
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        JsonObject root = new JsonObject();
        FlowStateComponent component = component();
        if (component == null || component.getRepository() == null || component.getMaintenance() == null) {
            root.put("started", false);
            return root;
        }
        root.put("started", true);
        Instant now = component.getExecutions().clock().instant();
        FlowSnapshotRepository repository = component.getRepository();
        JsonObject repo = new JsonObject();
        repo.put("kind", repository.getClass().getSimpleName());
        repo.put("location", repository.location());
        root.put("repository", repo);
        try {
            root.put("runs", counts(repository.countRuns(now), now));
        } catch (RuntimeException e) {
            root.put("runsError", String.valueOf(e.getMessage()));
        }
        root.put("runningHere", runningHere(component.getExecutions().runningRuns()));
        root.put("maintenance", maintenance(component.getMaintenance(), component.activity()));
        JsonObject latency = new JsonObject();
        latency.put("since", component.activity().since().toString());
        latency.put("checkpoint", latency(component.activity().checkpoints()));
        latency.put("resume", latency(component.activity().resumes()));
        root.put("latency", latency);
        return root;
    }

    private FlowStateComponent component() {
        Component found = getCamelContext().hasComponent("flowstate");
        return found instanceof FlowStateComponent flowstate ? flowstate : null;
    }

    private static JsonObject counts(RunCounts counts, Instant now) {
        JsonObject runs = new JsonObject();
        runs.put("total", counts.total());
        runs.put("byStatus", byStatus(counts.byStatus()));
        JsonObject byFlow = new JsonObject();
        counts.byFlow().forEach((flow, statuses) -> byFlow.put(flow, byStatus(statuses)));
        runs.put("byFlow", byFlow);
        JsonArray suspended = new JsonArray();
        counts.suspended().forEach((waitingFor, waiting) -> {
            JsonObject w = new JsonObject();
            w.put("waitingFor", waitingFor);
            w.put("runs", waiting.runs());
            w.put("oldestSince", String.valueOf(waiting.oldestUpdatedAt()));
            if (waiting.oldestUpdatedAt() != null) {
                w.put("oldestAgeMillis", Duration.between(waiting.oldestUpdatedAt(), now).toMillis());
            }
            suspended.add(w);
        });
        runs.put("suspended", suspended);
        runs.put("dueWakeUps", counts.dueWakeUps());
        runs.put("expiredLeases", counts.expiredLeases());
        return runs;
    }

    private static JsonObject byStatus(Map<FlowStatus, Long> counts) {
        JsonObject json = new JsonObject();
        counts.forEach((status, n) -> json.put(status.name(), n));
        return json;
    }

    private static JsonObject runningHere(List<RunningRun> running) {
        JsonObject json = new JsonObject();
        json.put("count", running.size());
        JsonArray listed = new JsonArray();
        running.stream().limit(MAX_RUNNING_LISTED).forEach(run -> {
            JsonObject r = new JsonObject();
            r.put("executionId", run.executionId());
            r.put("flowId", run.flowId());
            r.put("leaseExpiresAt", String.valueOf(run.leaseExpiresAt()));
            listed.add(r);
        });
        json.put("runs", listed);
        return json;
    }

    private static JsonObject maintenance(FlowMaintenance maintenance, RunActivity activity) {
        JsonObject json = new JsonObject();
        json.put("intervalMillis", maintenance.interval().toMillis());
        json.put("lastCompletedAt", activity.lastCompletedAt().toString());
        json.put("failedInARow", activity.failedInARow());
        RunActivity.MaintenancePass pass = activity.lastPass();
        if (pass != null) {
            JsonObject last = new JsonObject();
            last.put("startedAt", pass.startedAt().toString());
            last.put("tookMillis", pass.took().toMillis());
            last.put("continued", pass.continued());
            last.put("removed", pass.removed());
            if (pass.failure() != null) {
                last.put("failure", String.valueOf(pass.failure().getMessage()));
            }
            json.put("lastPass", last);
        }
        return json;
    }

    private static JsonObject latency(LatencyRecorder recorder) {
        JsonObject json = new JsonObject();
        json.put("count", recorder.count());
        Duration p50 = recorder.percentile(0.50);
        if (p50 != null) {
            json.put("p50Millis", p50.toNanos() / 1e6);
            json.put("p99Millis", recorder.percentile(0.99).toNanos() / 1e6);
        }
        return json;
    }
}
