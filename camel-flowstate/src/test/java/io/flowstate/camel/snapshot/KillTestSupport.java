package io.flowstate.camel.snapshot;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs {@link CrashingWriterMain} in a child JVM, lets it commit some versions, kills it with SIGKILL and returns the
 * last version it reported as committed. Every wait is bounded; nothing depends on timing.
 */
public final class KillTestSupport {

    private static final long LINE_TIMEOUT_SECONDS = 120;

    private KillTestSupport() {
    }

    /**
     * @param  commitsBeforeKill how many commits to see before the kill
     * @return                   the last version the child printed before it was killed
     */
    public static long runAndKill(String kind, String location, int commitsBeforeKill) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashingWriterMain.class.getName(), kind, location));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (Exception e) {
                // the child died: the stream ends
            } finally {
                lines.add("<eof>");
            }
        }, "kill-test-reader");
        reader.setDaemon(true);
        reader.start();
        long last = 0;
        int commits = 0;
        StringBuilder output = new StringBuilder();
        try {
            while (commits < commitsBeforeKill) {
                String line = lines.poll(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (line == null || line.equals("<eof>")) {
                    fail("The writer stopped before " + commitsBeforeKill + " commits; its output:\n" + output);
                }
                output.append(line).append('\n');
                if (line.startsWith("committed ")) {
                    last = Long.parseLong(line.substring("committed ".length()));
                    commits++;
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
        }
        // lines printed between our last read and the kill were committed too
        reader.join(TimeUnit.SECONDS.toMillis(60));
        String line;
        while ((line = lines.poll()) != null) {
            if (line.startsWith("committed ")) {
                last = Long.parseLong(line.substring("committed ".length()));
            }
        }
        return last;
    }

    /** Checks that a loaded run is one whole version at or after {@code lastCommitted}. */
    public static void assertWholeVersion(FlowSnapshot s, long lastCommitted) {
        assertThat(s.version()).as("the loaded version").isGreaterThanOrEqualTo(lastCommitted);
        assertThat(s.state().get("counter").longValue()).as("counter of version %d", s.version()).isEqualTo(s.version());
        assertThat(s.state().get("payload").textValue()).isEqualTo(CrashingWriterMain.payload(s.version()));
    }
}
