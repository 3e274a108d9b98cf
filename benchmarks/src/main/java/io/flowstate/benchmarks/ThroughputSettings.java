package io.flowstate.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The sizes and durations of {@link ThroughputSideBySide}, each an argument {@code name=value}; the defaults give a
 * full run of about five minutes on two cores.
 */
final class ThroughputSettings {

    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("callers", "8,16,32"); // concurrent callers of the flow, one throughput phase kind each
        DEFAULTS.put("rawClients", "8"); // threads of the raw UPDATE phases
        DEFAULTS.put("rounds", "6"); // rounds of throughput phases (every kind once per round)
        DEFAULTS.put("phaseSeconds", "5"); // length of one throughput phase
        DEFAULTS.put("warmupSeconds", "3"); // one warm-up phase of each kind, not counted
        DEFAULTS.put("pool", "10"); // Hikari pool size (HikariCP's default)
        DEFAULTS.put("stateBytes", "850"); // JSON state of a run (W1) and raw document size
        DEFAULTS.put("maxFinishedRuns", "10000"); // the component's cap on finished runs kept
        DEFAULTS.put("pairs", "3000"); // rounds of checkpoint vs raw UPDATE, one run alone (repository level)
        DEFAULTS.put("singleRuns", "1000"); // rounds of one 10-step run vs raw UPDATE (flow level)
        DEFAULTS.put("resumes", "1000"); // W3 resumes per store
        DEFAULTS.put("smallStore", "1000"); // runs stored in the small W3 store
        DEFAULTS.put("largeStore", "100000"); // runs stored in the large W3 store
    }

    private final Map<String, String> values;

    private ThroughputSettings(Map<String, String> values) {
        this.values = values;
    }

    static ThroughputSettings parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            if (eq < 0 || !DEFAULTS.containsKey(name)) {
                throw new IllegalArgumentException("Unknown argument '" + arg + "': use name=value with a name of "
                                                   + DEFAULTS.keySet());
            }
            values.put(name, arg.substring(eq + 1));
        }
        ThroughputSettings settings = new ThroughputSettings(values);
        settings.callers(); // every value checked before anything starts
        for (String name : DEFAULTS.keySet()) {
            if (!name.equals("callers")) {
                settings.positive(name);
            }
        }
        return settings;
    }

    List<Integer> callers() {
        return Arrays.stream(values.get("callers").split(",")).map(v -> positive("callers", v))
                .collect(Collectors.toList());
    }

    int rawClients() {
        return positive("rawClients");
    }

    int rounds() {
        return positive("rounds");
    }

    Duration phase() {
        return Duration.ofSeconds(positive("phaseSeconds"));
    }

    Duration warmup() {
        return Duration.ofSeconds(positive("warmupSeconds"));
    }

    int pool() {
        return positive("pool");
    }

    int stateBytes() {
        return positive("stateBytes");
    }

    int maxFinishedRuns() {
        return positive("maxFinishedRuns");
    }

    int pairs() {
        return positive("pairs");
    }

    int singleRuns() {
        return positive("singleRuns");
    }

    int resumes() {
        return positive("resumes");
    }

    int smallStore() {
        return positive("smallStore");
    }

    int largeStore() {
        return positive("largeStore");
    }

    private int positive(String name) {
        return positive(name, values.get(name));
    }

    private static int positive(String name, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Argument " + name + "=" + value + " is not a positive whole number"
                                           + ("callers".equals(name) ? " (a comma-separated list of them)" : ""));
    }

    /** All settings as arguments, the defaults filled in: the command line that repeats this run. */
    String arguments() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }
}
