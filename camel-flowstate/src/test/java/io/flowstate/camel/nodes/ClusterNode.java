package io.flowstate.camel.nodes;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A {@link ClusterNodeMain} in a child JVM: commands on its standard input, replies and log from its standard output
 * (every line kept, with when it arrived), SIGKILL, SIGSTOP and SIGCONT. Every wait is bounded.
 */
final class ClusterNode implements AutoCloseable {

    private static final long REPLY_TIMEOUT_SECONDS = 120;

    final String name;
    private final Process process;
    private final OutputStream commands;
    private final List<Line> lines = new ArrayList<>();
    private final Map<String, CompletableFuture<String>> replies = new ConcurrentHashMap<>();
    private final AtomicInteger tags = new AtomicInteger();

    /** A line of output and when (System.nanoTime) it was read. */
    record Line(long nanos, String text) {
    }

    private ClusterNode(String name, Process process) {
        this.name = name;
        this.process = process;
        this.commands = process.getOutputStream();
        Thread reader = new Thread(this::read, "node-" + name + "-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a node and waits (bounded) until it is ready for commands. */
    static ClusterNode start(Cluster cluster, String name, int recoveryThreads, long stepMillis, String... more)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), ClusterNodeMain.class.getName(), cluster.jdbcUrl(),
                cluster.tablePrefix(), name, String.valueOf(recoveryThreads), String.valueOf(Cluster.LEASE.toMillis()),
                String.valueOf(Cluster.RECOVERY_INTERVAL.toMillis()), String.valueOf(stepMillis)));
        command.addAll(List.of(more));
        ClusterNode node = new ClusterNode(name, new ProcessBuilder(command).redirectErrorStream(true).start());
        node.awaitLine("ready", l -> l.equals("@@ ready " + name));
        return node;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(new Line(System.nanoTime(), line));
                    lines.notifyAll();
                }
                if (line.startsWith("@@ reply ")) {
                    String rest = line.substring("@@ reply ".length());
                    int space = rest.indexOf(' ');
                    replies.computeIfAbsent(rest.substring(0, space), t -> new CompletableFuture<>())
                            .complete(rest.substring(space + 1));
                }
            }
        } catch (Exception e) {
            // the node died: its output ends
        }
    }

    /** Sends a command; the future completes with the node's reply. */
    CompletableFuture<String> send(String command) {
        String tag = name + tags.incrementAndGet();
        CompletableFuture<String> reply = replies.computeIfAbsent(tag, t -> new CompletableFuture<>());
        try {
            synchronized (commands) {
                commands.write((tag + " " + command + "\n").getBytes(StandardCharsets.UTF_8));
                commands.flush();
            }
        } catch (Exception e) {
            reply.completeExceptionally(e);
        }
        return reply;
    }

    /** Sends a command and waits (bounded) for its reply. */
    String call(String command) throws Exception {
        try {
            return send(command).get(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return fail("Node " + name + " did not answer '" + command + "'; its output:\n" + output());
        }
    }

    /** Waits (bounded) until the node printed a line that {@code matches}; returns it. */
    String awaitLine(String what, Predicate<String> matches) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REPLY_TIMEOUT_SECONDS);
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (matches.test(lines.get(seen).text())) {
                        return lines.get(seen).text();
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && seen == lines.size()) {
                    fail("Node " + name + " ended or never printed " + what + "; its output:\n" + output());
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** The lines printed so far. */
    List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    String output() {
        StringBuilder s = new StringBuilder();
        lines().forEach(l -> s.append(l.text()).append('\n'));
        return s.toString();
    }

    /** SIGKILL; waits (bounded) until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("node %s ended after SIGKILL", name).isTrue();
    }

    /** SIGSTOP: the process is paused, as by a long GC pause or a frozen VM. */
    void pause() throws Exception {
        signal("-STOP");
    }

    /** SIGCONT: the paused process goes on. */
    void resume() throws Exception {
        signal("-CONT");
    }

    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill %s %s", signal, name).isTrue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            resumeQuietly();
            kill();
        }
    }

    private void resumeQuietly() {
        try {
            resume();
        } catch (Exception | AssertionError e) {
            // it may not have been paused
        }
    }
}
