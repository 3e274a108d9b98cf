package io.flowstate.examples.basics;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the example as a user does (its own JVM, its main class) and checks what it prints.
 */
class StateBasicsApplicationTest {

    @Test
    void printsThreeOrderRunsWithTheirStateAndCounters(@TempDir Path workDir) throws Exception {
        Process app = new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"),
                StateBasicsApplication.class.getName())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .start();
        List<String> lines;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
            lines = out.lines().toList();
        }
        assertThat(app.waitFor(2, TimeUnit.MINUTES)).isTrue();
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
}
