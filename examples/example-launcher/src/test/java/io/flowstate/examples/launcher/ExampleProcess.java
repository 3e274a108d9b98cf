package io.flowstate.examples.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts an example as a user does, in its own JVM on the test's class path, from a directory of its own, and
 * collects what it prints. A process that is still alive after the time limit is killed and reported as such, so a
 * test of a start that hangs fails instead of hanging the build.
 */
public final class ExampleProcess {

    private final int exitValue;
    private final List<String> lines;

    private ExampleProcess(int exitValue, List<String> lines) {
        this.exitValue = exitValue;
        this.lines = lines;
    }

    /**
     * @param arguments JVM options ({@code -Dname=value}) followed by the main class and its arguments
     */
    public static ExampleProcess run(Path workDir, Duration limit, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path")));
        command.addAll(List.of(arguments));
        Path output = workDir.resolve("example-output.log");
        Process app = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!app.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            app.destroyForcibly().waitFor();
            throw new AssertionError("still running after " + limit + ", killed; it printed:\n"
                                     + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new ExampleProcess(app.exitValue(), Files.readAllLines(output, StandardCharsets.UTF_8));
    }

    public int exitValue() {
        return exitValue;
    }

    public List<String> lines() {
        return lines;
    }

    /** Everything it printed, for assertion messages. */
    public String output() {
        return String.join("\n", lines);
    }
}
