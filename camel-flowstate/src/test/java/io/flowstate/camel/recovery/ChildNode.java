package io.flowstate.camel.recovery;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A {@link CrashingFlowMain} in a child JVM: waits (bounded) until each of its runs stopped at its point, then kills
 * it with SIGKILL.
 */
final class ChildNode {

    private static final long LINE_TIMEOUT_SECONDS = 120;
    private static final String EOF = "\u0000eof";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder output = new StringBuilder();

    private ChildNode(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (Exception e) {
                // the child died: the stream ends
            } finally {
                lines.add(EOF);
            }
        }, "crash-child-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param mode  {@code start} (start the runs) or {@code recover} (recover the stored runs)
     * @param stops which run stops where: order -> point ({@code in:5}, {@code after:4})
     */
    static ChildNode start(CrashFlow.Store store, Path effects, String mode, Map<String, String> stops)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashingFlowMain.class.getName()));
        command.addAll(store.args());
        command.add(effects.toString());
        command.add(mode);
        stops.forEach((order, point) -> command.add(order + "@" + point));
        return new ChildNode(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** Waits until every run of {@code stops} reported that it stopped at its point; returns their execution ids. */
    Map<String, String> awaitStopped(Map<String, String> stops) throws InterruptedException {
        Map<String, String> ids = new LinkedHashMap<>();
        while (ids.size() < stops.size()) {
            String line = lines.poll(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (line == null || line.equals(EOF)) {
                fail("The child JVM ended or fell silent before its runs stopped at " + stops + "; its output:\n"
                     + output);
            }
            output.append(line).append('\n');
            if (line.startsWith("@@ blocked ")) {
                String[] parts = line.split(" ");
                assertThat(parts[4]).as("where %s stopped", parts[2]).isEqualTo(stops.get(parts[2]));
                ids.put(parts[2], parts[3]);
            }
        }
        return ids;
    }

    /** Waits until the child printed a line that {@code matches} (e.g. a run reached a point). */
    void awaitLine(String what, Predicate<String> matches) throws InterruptedException {
        while (true) {
            String line = lines.poll(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (line == null || line.equals(EOF)) {
                fail("The child JVM ended or fell silent before it printed " + what + "; its output:\n" + output);
            }
            output.append(line).append('\n');
            if (matches.test(line)) {
                return;
            }
        }
    }

    /** SIGKILL, and wait (bounded) until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended after SIGKILL").isTrue();
    }

    String output() {
        return output.toString();
    }
}
