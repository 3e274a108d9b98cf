package io.flowstate.examples.approval.yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.flowstate.examples.launcher.ExampleMain;
import io.flowstate.examples.launcher.ExampleProcess;
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
        ExampleProcess app = ExampleProcess.run(workDir, Duration.ofMinutes(2), ExampleMain.class.getName());
        List<String> lines = app.lines();
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

    @Test
    void aTypoInAFlowstateUriStopsTheStartWithTheOperationsAllowed(@TempDir Path workDir) throws Exception {
        Path routes = workDir.resolve("typo.yaml");
        Files.writeString(routes, """
                - route:
                    from:
                      uri: timer:order?repeatCount=1
                      steps:
                        - to: flowstate:strat
                """);
        ExampleProcess app = ExampleProcess.run(workDir, Duration.ofSeconds(30),
                "-Dcamel.main.routesIncludePattern=file:" + routes, ExampleMain.class.getName());

        assertThat(app.exitValue()).as(app.output()).isNotZero();
        assertThat(app.lines()).as(app.output()).anyMatch(l -> l.contains("did not start")
                && l.contains("Unknown flowstate operation 'strat'") && l.contains("use one of [get, set"));
    }
}
