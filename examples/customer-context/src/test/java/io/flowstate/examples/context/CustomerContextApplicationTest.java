package io.flowstate.examples.context;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.flowstate.examples.launcher.ExampleProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the example as a user does (its own JVM, its main class, a fresh working directory) and checks what it
 * prints.
 */
class CustomerContextApplicationTest {

    private static final Pattern LEDGER = Pattern.compile("ledger (opened|closed) for run (\\S+)");

    @Test
    void printsGlobalValueContextVisitsLedgersAndAWokenNap(@TempDir Path workDir) throws Exception {
        ExampleProcess app = ExampleProcess.run(workDir, Duration.ofMinutes(2), CustomerContextApplication.class.getName());
        List<String> lines = app.lines();
        String all = app.output();
        assertThat(app.exitValue()).as(all).isZero();

        // 1. the global value, set once and read back through the language in every visit
        assertThat(lines).as(all).anyMatch(l -> l.contains("Global shop/loyalty set to {bonusEvery=2}"));

        // 2. three runs of context acme, each carrying on the last one's counter
        List<String> visits = lines.stream().filter(l -> l.contains("Context acme run ")).toList();
        assertThat(visits).as(all).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(visits.get(i)).contains("visits=" + (i + 1)).contains("bonusEvery=2");
        }

        // 3. every run that used the ledger opened it as often as it closed it: once per visit run
        Map<String, Long> opened = count(lines, "opened");
        Map<String, Long> closed = count(lines, "closed");
        assertThat(closed).as(all).isEqualTo(opened);
        for (String visit : visits) {
            String runId = visit.replaceAll(".*Context acme run (\\S+):.*", "$1");
            assertThat(opened).as(all).containsEntry(runId, 1L);
        }

        // 4. the nap run slept durably and was continued by the recovery task (its ledger made again after the wake)
        String nap = lines.stream().filter(l -> l.contains("woke up, body at sleep was dreaming")).findFirst()
                .orElseThrow(() -> new AssertionError("the nap run did not wake up:\n" + all));
        String napRun = nap.replaceAll(".*Nap run (\\S+):.*", "$1");
        assertThat(opened).as(all).containsEntry(napRun, 2L);
        assertThat(all).doesNotContain("Exception");
    }

    private static Map<String, Long> count(List<String> lines, String what) {
        return lines.stream().map(LEDGER::matcher).filter(Matcher::find).filter(m -> m.group(1).equals(what))
                .map(m -> m.group(2)).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
