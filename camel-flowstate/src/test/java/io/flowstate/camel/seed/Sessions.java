package io.flowstate.camel.seed;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.execution.FlowExecution;
import io.flowstate.camel.execution.FlowResourceFactory;

/**
 * A factory of managed sessions that counts what it created and what was closed: the tests of managed resources bind
 * it as #sessionFactory. A session is also usable as an unmanaged resource (bound as an instance).
 */
public final class Sessions implements FlowResourceFactory<Sessions.Session> {

    private final AtomicInteger created = new AtomicInteger();
    private final List<Session> sessions = new CopyOnWriteArrayList<>();

    @Override
    public Session create(FlowExecution run) {
        Session session = new Session("session-" + created.incrementAndGet() + "-of-" + run.getFlowId());
        sessions.add(session);
        return session;
    }

    public int created() {
        return created.get();
    }

    /** How many close() calls the sessions got in all (a session closed twice counts twice). */
    public int closed() {
        return sessions.stream().mapToInt(Session::closeCount).sum();
    }

    public List<Session> sessions() {
        return sessions;
    }

    /** A live session: something a run must not keep while it waits. */
    public static final class Session implements AutoCloseable {
        private final String name;
        private final AtomicInteger closes = new AtomicInteger();
        private final AtomicInteger uses = new AtomicInteger();

        public Session(String name) {
            this.name = name;
        }

        /** Uses the session; fails once it is closed. Returns its name. */
        public String touch() {
            if (closes.get() > 0) {
                throw new IllegalStateException(name + " is closed");
            }
            uses.incrementAndGet();
            return name;
        }

        public int uses() {
            return uses.get();
        }

        public int closeCount() {
            return closes.get();
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /** A factory whose creation fails, after another resource of the run was created. */
    public static final class Broken implements FlowResourceFactory<Session> {
        @Override
        public Session create(FlowExecution run) throws Exception {
            throw new java.io.IOException("browser binary not found");
        }
    }
}
