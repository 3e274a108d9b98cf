package io.flowstate.examples.basics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.flowstate.examples.launcher.ExampleProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the example as a user does (its own JVM, its main class) and checks what it prints.
 */
class StateBasicsApplicationTest {

    @Test
    void printsThreeOrderRunsWithTheirStateAndCounters(@TempDir Path workDir) throws Exception {
        ExampleProcess app = ExampleProcess.run(workDir, Duration.ofMinutes(2), StateBasicsApplication.class.getName());
        List<String> lines = app.lines();
        assertThat(app.exitValue()).as(String.join("\n", lines)).isZero();

        List<String> runs = lines.stream().filter(l -> l.contains("Order run ")).toList();
        assertThat(runs).as(String.join("\n", lines)).hasSize(3);
        assertThat(runs).allMatch(l -> l.contains("customer=acme") && l.contains("attempts=1") && l.contains("total=33.75"));
        assertThat(runs).allMatch(l -> l.contains("gadget") && l.contains("widget") && l.contains("gizmo"));
        // the timer does not wait for a run to finish (the parallel split goes on in other threads), so runs overlap
        // and may log out of order: each counter must still have counted every run exactly once
        assertThat(runs.stream().map(l -> l.replaceAll(".*orders in this process: (\\d+), ever: \\d+.*", "$1")))
                .containsExactlyInAnyOrder("1", "2", "3");
        assertThat(runs.stream().map(l -> l.replaceAll(".*, ever: (\\d+).*", "$1")))
                .containsExactlyInAnyOrder("1", "2", "3");
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedStopsTheStartWithTheOptionToFix(@TempDir Path workDir) throws Exception {
        // /proc refuses new directories, also to root
        ExampleProcess app = ExampleProcess.run(workDir, Duration.ofSeconds(30),
                "-Dcamel.component.flowstate.dataDirectory=/proc/x", StateBasicsApplication.class.getName());

        assertThat(app.exitValue()).as(app.output()).isNotZero();
        assertThat(app.lines()).as(app.output())
                .anyMatch(l -> l.contains("did not start") && l.contains("dataDirectory") && l.contains("/proc/x"));
    }
}
