package io.flowstate.camel.execution;

import java.time.Instant;
import java.util.concurrent.Semaphore;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowStatus;

/**
 * What the repository holds of one run, as this node last saved or claimed it (status, version, failure, lease), and
 * the turn its saves take. The lock is private, so no code outside can hold it, and never held across repository I/O:
 * a save takes the turn, reads {@link #current()}, writes outside any lock, then applies the outcome with
 * {@link #saved}.
 */
final class SaveState {

    /** The stored status, version and lease, read at once. */
    record Stored(FlowStatus status, long version, Instant leaseUntil) {
    }

    private final Object lock = new Object();
    /** One save of the run at a time: each writes on the version the previous one left (compare-and-set). */
    private final Semaphore turn = new Semaphore(1);

    // guarded by lock
    private FlowStatus status;
    private long version;
    private String failure;
    private Instant leaseUntil;

    SaveState(FlowStatus status, long version) {
        this.status = status;
        this.version = version;
    }

    FlowStatus status() {
        synchronized (lock) {
            return status;
        }
    }

    /** The version stored in the repository; 0 while the run was never saved. */
    long version() {
        synchronized (lock) {
            return version;
        }
    }

    String failure() {
        synchronized (lock) {
            return failure;
        }
    }

    /** When this node's lease on the run ends, or null when it holds none. */
    Instant leaseUntil() {
        synchronized (lock) {
            return leaseUntil;
        }
    }

    Stored current() {
        synchronized (lock) {
            return new Stored(status, version, leaseUntil);
        }
    }

    /**
     * Waits until no other save of the run is under way and takes the turn; {@link #endTurn} gives it back. Saves of
     * one run (split branches checkpointing at once, the lease renewer) write one after the other, each on the version
     * the one before left, while readers of the run never wait for the repository.
     *
     * @param  run                "run X of flow 'f'", for the message
     * @throws FlowStateException when interrupted while waiting; nothing was saved
     */
    void takeTurn(String run) {
        try {
            turn.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlowStateException("Interrupted while waiting for another save of " + run
                                         + " to finish; nothing was saved.");
        }
    }

    /** Takes the turn if no save of the run is under way. */
    boolean tryTakeTurn() {
        return turn.tryAcquire();
    }

    void endTurn() {
        turn.release();
    }

    void saved(long newVersion, FlowStatus newStatus, String newFailure, Instant newLeaseUntil) {
        synchronized (lock) {
            this.version = newVersion;
            this.status = newStatus;
            this.failure = newFailure;
            this.leaseUntil = newLeaseUntil;
        }
    }
}
