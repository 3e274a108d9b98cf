package io.flowstate.camel;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text form of the {@code flowstate} dev console, written from its JSON form so that both show the same facts.
 */
final class FlowStateConsoleText {

    private final StringBuilder text = new StringBuilder();

    private FlowStateConsoleText() {
    }

    static String of(Map<String, Object> json) {
        FlowStateConsoleText t = new FlowStateConsoleText();
        if (!Boolean.TRUE.equals(json.get("started"))) {
            return "The flowstate component is not started in this CamelContext\n";
        }
        Map<String, Object> repository = map(json.get("repository"));
        t.line("Repository: %s at %s", repository.get("kind"), repository.get("location"));
        if (json.containsKey("runsError")) {
            t.line("Runs: cannot be counted: %s", json.get("runsError"));
        } else {
            t.runs(map(json.get("runs")));
        }
        Map<String, Object> here = map(json.get("runningHere"));
        t.line("Running on this node: %s", here.get("count"));
        for (Object run : list(here.get("runs"))) {
            Map<String, Object> r = map(run);
            t.line("    %s (flow %s) lease until %s", r.get("executionId"), r.get("flowId"), r.get("leaseExpiresAt"));
        }
        t.maintenance(map(json.get("maintenance")));
        Map<String, Object> latency = map(json.get("latency"));
        t.line("Latency since %s:", latency.get("since"));
        t.latency("checkpoint", map(latency.get("checkpoint")));
        t.latency("resume", map(latency.get("resume")));
        return t.text.toString();
    }

    private void runs(Map<String, Object> runs) {
        line("Runs: %s %s", runs.get("total"), runs.get("byStatus"));
        map(runs.get("byFlow")).forEach((flow, statuses) -> line("    flow %s: %s", flow, statuses));
        for (Object s : list(runs.get("suspended"))) {
            Map<String, Object> w = map(s);
            Object name = "".equals(w.get("waitingFor")) ? "(not named)" : w.get("waitingFor");
            line("    suspended at %s: %s, the oldest since %s (%s ms)", name, w.get("runs"), w.get("oldestSince"),
                    w.get("oldestAgeMillis"));
        }
        line("Due wake-ups: %s, expired leases: %s", runs.get("dueWakeUps"), runs.get("expiredLeases"));
    }

    private void maintenance(Map<String, Object> maintenance) {
        line("Maintenance every %s ms; last completed at %s; failed in a row: %s", maintenance.get("intervalMillis"),
                maintenance.get("lastCompletedAt"), maintenance.get("failedInARow"));
        if (maintenance.containsKey("lastPass")) {
            Map<String, Object> p = map(maintenance.get("lastPass"));
            line("    last pass at %s took %s ms: %s runs continued, %s removed%s", p.get("startedAt"),
                    p.get("tookMillis"), p.get("continued"), p.get("removed"),
                    p.containsKey("failure") ? "; failed: " + p.get("failure") : "");
        }
    }

    private void latency(String what, Map<String, Object> latency) {
        line("    %s: %s recorded, p50 %s ms, p99 %s ms", what, latency.get("count"), millis(latency.get("p50Millis")),
                millis(latency.get("p99Millis")));
    }

    /** A percentile to a precision its bucket (within 9%) supports; "-" before any was recorded. */
    private static String millis(Object value) {
        if (!(value instanceof Number n)) {
            return "-";
        }
        double ms = n.doubleValue();
        return String.format(Locale.ROOT, ms < 1 ? "%.3f" : "%.1f", ms);
    }

    private void line(String format, Object... args) {
        text.append(String.format(format, args)).append('\n');
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    private static List<?> list(Object value) {
        return (List<?>) value;
    }
}
