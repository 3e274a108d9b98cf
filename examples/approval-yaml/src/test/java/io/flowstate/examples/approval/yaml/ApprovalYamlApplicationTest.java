package io.flowstate.examples.approval.yaml;

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
 * Starts the example as a user does (its own JVM, Camel Main's own main class, the YAML routes) and checks what it
 * prints: the suspend reply, the resume with the id from that reply, and the final result.
 */
class ApprovalYamlApplicationTest {

    @Test
    void suspendsForApprovalThenTheApproverResumesItToTheFinalResult(@TempDir Path workDir) throws Exception {
        Process app = new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"),
                "org.apache.camel.main.Main")
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .start();
        List<String> lines;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
            lines = out.lines().toList();
        }
        assertThat(app.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String output = String.join("\n", lines);
        assertThat(app.exitValue()).as(output).isZero();

        String suspended = lines.stream().filter(l -> l.contains("suspended, reply: ")).findFirst().orElseThrow(
                () -> new AssertionError("no suspend reply in:\n" + output));
        assertThat(suspended).containsPattern("executionId=[0-9a-f-]{36}").contains("resumeToken=", "waitingFor=approval");
        String id = suspended.replaceAll(".*executionId=([0-9a-f-]{36}).*", "$1");
        assertThat(lines).as(output).containsSubsequence(
                lines.stream().filter(l -> l.contains("order 4711 for 250 validated")).findFirst().orElse("validated"),
                suspended,
                lines.stream().filter(l -> l.contains("approving run " + id)).findFirst().orElse("approving run " + id),
                lines.stream().filter(l -> l.contains("final result: order 4711 shipped, approved by alice")).findFirst()
                        .orElse("final result"),
                lines.stream().filter(l -> l.contains("resume replied: order 4711 shipped, approved by alice")).findFirst()
                        .orElse("resume replied"));
        assertThat(lines).filteredOn(l -> l.contains("suspended, reply: ")).hasSize(1);
        // the resume skips the completed step 'validate' (its recorded result becomes the body): it ran once
        assertThat(lines).as(output).filteredOn(l -> l.contains("validated")).hasSize(1);
    }
}
