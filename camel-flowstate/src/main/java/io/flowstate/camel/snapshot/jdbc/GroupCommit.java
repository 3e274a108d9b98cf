package io.flowstate.camel.snapshot.jdbc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Group commit without a timer: up to {@code aloneAtOnce} writes are written at the same time, each alone, at once;
 * a write beyond that queues, and the queue is written as one group (one transaction) by the first write of it while
 * the others wait, one group at a time. A group forms only when more writes arrive at once than the database takes
 * well each in its own transaction (measured: 8 concurrent writes of their own beat a group of 8 on 2 cores, 32 lose
 * to 8 plus a group), so one caller, or a few, never wait.
 * <p>
 * Each write keeps its own outcome: {@link Writer#writeTogether} reports one per write (a compare-and-set conflict
 * fails that write only).
 *
 * @param <W> a write
 * @param <R> its result
 */
final class GroupCommit<W, R> {

    /** Writes one write alone, or several in one transaction. */
    interface Writer<W, R> {

        R writeAlone(W write);

        /** One outcome per write, in order: each write's result, or the exception it fails with. */
        List<Outcome<R>> writeTogether(List<W> writes);
    }

    /** A write's result, or the exception that failed it. */
    record Outcome<R>(R result, RuntimeException failure) {

        static <R> Outcome<R> of(R result) {
            return new Outcome<>(result, null);
        }

        static <R> Outcome<R> failed(RuntimeException failure) {
            return new Outcome<>(null, failure);
        }

        R get() {
            if (failure != null) {
                throw failure;
            }
            return result;
        }
    }

    private final Writer<W, R> writer;
    private final int aloneAtOnce;
    private final int maxGroup;
    private final ArrayDeque<Pending<W, R>> queue = new ArrayDeque<>();
    private int alone;
    private boolean grouping;

    GroupCommit(Writer<W, R> writer, int aloneAtOnce, int maxGroup) {
        this.writer = writer;
        this.aloneAtOnce = aloneAtOnce;
        this.maxGroup = maxGroup;
    }

    /** Writes {@code write}, alone or with others, and returns its result (or throws what failed it). */
    R write(W write) {
        Pending<W, R> pending = null;
        List<Pending<W, R>> group = null;
        synchronized (queue) {
            if (alone < aloneAtOnce) {
                alone++;
            } else {
                pending = new Pending<>(write);
                queue.add(pending);
                if (!grouping) {
                    grouping = true;
                    group = nextGroup();
                }
            }
        }
        if (pending == null) {
            try {
                return writer.writeAlone(write);
            } finally {
                synchronized (queue) {
                    alone--;
                }
            }
        }
        if (group == null) {
            group = pending.awaitTurn();
        }
        if (group != null) {
            try {
                writeGroup(group);
            } finally {
                handOver();
            }
        }
        return pending.outcome.get();
    }

    /** Takes the next group from the queue; called holding its lock. */
    private List<Pending<W, R>> nextGroup() {
        List<Pending<W, R>> next = new ArrayList<>(Math.min(queue.size(), maxGroup));
        while (!queue.isEmpty() && next.size() < maxGroup) {
            next.add(queue.poll());
        }
        return next;
    }

    private void writeGroup(List<Pending<W, R>> group) {
        List<Outcome<R>> outcomes;
        try {
            if (group.size() == 1) {
                outcomes = List.of(Outcome.of(writer.writeAlone(group.get(0).write)));
            } else {
                List<W> writes = new ArrayList<>(group.size());
                group.forEach(p -> writes.add(p.write));
                outcomes = writer.writeTogether(writes);
            }
        } catch (RuntimeException e) {
            outcomes = new ArrayList<>();
            for (int i = 0; i < group.size(); i++) {
                outcomes.add(Outcome.failed(e));
            }
        }
        for (int i = 0; i < group.size(); i++) {
            group.get(i).finish(outcomes.get(i));
        }
    }

    /** How many writes wait for the next group (tests). */
    int queued() {
        synchronized (queue) {
            return queue.size();
        }
    }

    /** The group just written is done: the writes queued meanwhile form the next group, written by its first. */
    private void handOver() {
        List<Pending<W, R>> next;
        synchronized (queue) {
            if (queue.isEmpty()) {
                grouping = false;
                return;
            }
            next = nextGroup();
        }
        next.get(0).lead(next);
    }

    /** A queued write: told either to write its group, or its outcome. */
    private static final class Pending<W, R> {

        final W write;
        private final CountDownLatch turn = new CountDownLatch(1);
        private volatile List<Pending<W, R>> group;
        private volatile Outcome<R> outcome;

        Pending(W write) {
            this.write = write;
        }

        void lead(List<Pending<W, R>> group) {
            this.group = group;
            turn.countDown();
        }

        void finish(Outcome<R> outcome) {
            this.outcome = outcome;
            turn.countDown();
        }

        /** Waits until this write leads its group (returned) or is written (null). */
        List<Pending<W, R>> awaitTurn() {
            boolean interrupted = false;
            while (true) {
                try {
                    turn.await();
                    break;
                } catch (InterruptedException e) {
                    // the write may be under way with others: its outcome must be waited for
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return outcome == null ? group : null;
        }
    }
}
