package io.flowstate.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ThroughputNode} in a child JVM, started from the jar (class path) of this JVM: commands to its standard
 * input, its {@code @@} replies read from its standard output, the last lines of its output kept to show when it
 * fails. Every wait is bounded; {@link #close()} kills it if it is still alive.
 */
final class NodeJvm implements AutoCloseable {

    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(120);
    private static final int KEPT_LINES = 200;

    final String name;
    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Deque<String> lastLines = new ArrayDeque<>();
    private final Thread reader;

    /** The counters a node reports: runs completed, steps completed, runs failed. */
    record Counts(long runs, long steps, long failed) {

        static Counts parse(String words) {
            String[] w = words.trim().split(" ");
            return new Counts(Long.parseLong(w[0]), Long.parseLong(w[1]), Long.parseLong(w[2]));
        }

        Counts minus(Counts before) {
            return new Counts(runs - before.runs, steps - before.steps, failed - before.failed);
        }
    }

    private NodeJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        this.commands = process.getOutputStream();
        this.reader = new Thread(this::read, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts node {@code name} with {@code jvmOptions}; returns without waiting for it to be ready. */
    static NodeJvm start(String name, List<String> jvmOptions, String jdbcUrl, String flowId, int callers)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ThroughputNode.class.getName(), jdbcUrl,
                name, flowId, Integer.toString(callers)));
        return new NodeJvm(name, new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    long pid() {
        return process.pid();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > KEPT_LINES) {
                        lastLines.removeFirst();
                    }
                }
                if (line.startsWith("@@ failure ")) {
                    System.out.println("  " + name + ": " + line.substring(3));
                } else if (line.startsWith("@@ ")) {
                    replies.add(line.substring(3));
                }
            }
        } catch (IOException e) {
            // the node ended: its output ends with it
        }
    }

    void send(String command) throws IOException {
        commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
    }

    /** Waits (bounded) for the node's next reply, which must start with {@code word}; returns the rest of it. */
    String await(String word) throws InterruptedException {
        long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
        String reply;
        do {
            // once its output ended (the node died) every reply it gave is queued: give up then, not at the deadline
            boolean outputEnded = !reader.isAlive();
            reply = replies.poll(outputEnded ? 0 : 1, TimeUnit.SECONDS);
            if (outputEnded) {
                break;
            }
        } while (reply == null && System.nanoTime() < deadline);
        if (reply == null || !reply.startsWith(word)) {
            String what = reply != null ? " replied '" + reply + "' instead of " + word
                    : reader.isAlive() ? " did not reply " + word + " within " + REPLY_TIMEOUT.toSeconds() + " s"
                    : " ended (" + exitStatus() + ") before it replied " + word;
            throw new IllegalStateException("Node " + name + what + "; its last output:\n" + lastOutput());
        }
        return reply.substring(word.length()).trim();
    }

    private String exitStatus() throws InterruptedException {
        return process.waitFor(10, TimeUnit.SECONDS) ? "exit code " + process.exitValue() : "its output closed";
    }

    /** Asks the node to stop its callers; {@link #awaitStopped()} gives its final counts. */
    void stop() throws IOException {
        send("stop");
    }

    /** Waits (bounded) until the node reported its final counts and ended. */
    Counts awaitStopped() throws InterruptedException {
        Counts last = Counts.parse(await("stopped"));
        if (!process.waitFor(REPLY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("Node " + name + " did not end after it stopped");
        }
        return last;
    }

    private String lastOutput() {
        synchronized (lastLines) {
            return String.join("\n", lastLines);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
