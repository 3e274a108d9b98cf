package io.flowstate.examples.etl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.flowstate.examples.launcher.ExampleProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the example as a user does (its own JVM, its main class, a fresh working directory and scratch base) and
 * checks what it prints: the branches finish in any order but are collected in branch order, recorded as the step's
 * result; their files are in the run's scratch directory, which is gone once the run completes.
 */
class EtlApplicationTest {

    @Test
    void collectsTheBranchesInBranchOrderAndRemovesTheScratchDirectory(@TempDir Path workDir) throws Exception {
        ExampleProcess app = ExampleProcess.run(workDir, Duration.ofMinutes(2), "-Djava.io.tmpdir=" + workDir.resolve("tmp"), EtlApplication.class.getName());
        List<String> lines = app.lines();
        String output = String.join("\n", lines);
        assertThat(app.exitValue()).as(output).isZero();

        String list = "[4 orders, 335.74 total, top customer acme]";
        assertThat(lines).as(output).anyMatch(l -> l.contains("transform results, in branch order: " + list));
        assertThat(lines).anyMatch(l -> l.contains("holds [count.txt, orders.csv, top.txt, total.txt]"));
        assertThat(lines).anyMatch(l -> l.contains("COMPLETED: results.transform = " + list));
        assertThat(lines).anyMatch(l -> l.contains("scratch directory still there after complete: false"));
        // the slowest branch (count) finished last, yet it is first in the list
        assertThat(lines.indexOf(lines.stream().filter(l -> l.contains("branch count done")).findFirst().orElseThrow()))
                .isGreaterThan(lines.indexOf(lines.stream().filter(l -> l.contains("branch total done")).findFirst()
                        .orElseThrow()));
    }
}
