package io.flowstate.camel.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The RUNNING runs this node saved and still carries: their leases are renewed while their steps run. */
final class LeaseRenewals {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseRenewals.class);

    private final FlowCheckpoints checkpoints;
    private final Clock clock;
    private final Set<FlowExecution> active = ConcurrentHashMap.newKeySet();

    LeaseRenewals(FlowCheckpoints checkpoints, Clock clock) {
        this.checkpoints = checkpoints;
        this.clock = clock;
    }

    /** The run is saved RUNNING and carried on here: its lease is renewed until it stops here. */
    void keep(FlowExecution run) {
        active.add(run);
    }

    /** The run suspended, slept or finished here: its lease is no longer this node's to renew. */
    void drop(FlowExecution run) {
        active.remove(run);
    }

    /** The RUNNING runs this node carries, with the end of their lease (null until this node first saved it). */
    List<RunningRun> running() {
        List<RunningRun> runs = new ArrayList<>();
        for (FlowExecution run : active) {
            if (run.getStatus() == FlowStatus.RUNNING) {
                runs.add(new RunningRun(run.getExecutionId(), run.getFlowId(), run.saveState().leaseUntil()));
            }
        }
        return runs;
    }

    /**
     * Renews the leases of this node's RUNNING runs whose lease ends within {@code margin}, except those being saved
     * right now (that save renews the lease, or the next pass does: a slow save of one run delays no other). A renewal
     * that fails does not keep the others from being renewed: a run another node took over (its lease had expired, e.g.
     * after a long pause of this process) is dropped from this node's runs, and its next checkpoint here fails as a
     * conflict.
     *
     * @return how many leases were renewed
     */
    int renew(Duration margin) {
        Instant limit = clock.instant().plus(margin);
        int renewed = 0;
        for (FlowExecution run : active) {
            Instant until = run.saveState().leaseUntil();
            if (run.getStatus() != FlowStatus.RUNNING) {
                active.remove(run);
            } else if (until == null || until.isBefore(limit)) { // null: claimed from the repository, not yet known
                try {
                    if (checkpoints.renewLease(run)) {
                        renewed++;
                    }
                } catch (FlowSnapshotConflictException e) {
                    active.remove(run);
                    LOG.warn("Run {} of flow '{}' changed in the repository while this node ran it: another node took it"
                             + " over (its lease had expired), or flowstate:cancel asked to stop it (then its next save"
                             + " here, or the recovery of its expired lease, cancels it). This node stops renewing its"
                             + " lease. {}", run.getExecutionId(), run.getFlowId(), e.getMessage());
                } catch (RuntimeException e) {
                    LOG.warn("Could not renew the lease of run {}, will try again: {}", run.getExecutionId(),
                            e.getMessage(), e);
                }
            }
        }
        return renewed;
    }
}
