package io.flowstate.camel.execution;

import java.util.LinkedHashMap;
import java.util.Map;

import io.flowstate.camel.snapshot.FlowStatus;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What ties a run to the exchange that carries it on this node, and what runs when the run ends or leaves this node:
 * the hook that finishes a saved run with its carrier, and the end and leave actions given to
 * {@link FlowExecution#whenEnded(String, Runnable, Runnable)}.
 */
final class RunHooks {

    private static final Logger LOG = LoggerFactory.getLogger(RunHooks.class);

    private final FlowExecution run;
    private final Object lock = new Object();
    // guarded by lock
    /** The exchange that started or restored the run: its end finishes the run once saved. */
    private Exchange carrier;
    /** The hook that finishes the run when its carrier ends, once registered on the carrier. */
    private RunCompletion completion;
    /** What to do when the run ends on this node; null until something is registered. */
    private Map<String, Runnable> endActions;
    /** What to do instead of an end action when the run stops on this node without ending here; by action name. */
    private Map<String, Runnable> leaveActions;
    /**
     * Attached by flowstate:restore and not saved by this node since: the run belongs to whoever runs it (maybe this
     * node, in another exchange), so the end of this exchange does not end it here.
     */
    private volatile boolean attachedOnly;

    RunHooks(FlowExecution run) {
        this.run = run;
    }

    /** See {@link FlowExecution#isCarriedBy}. */
    boolean isCarriedBy(Exchange exchange) {
        synchronized (lock) {
            return carrier == exchange;
        }
    }

    void carriedBy(Exchange exchange) {
        synchronized (lock) {
            this.carrier = exchange;
            this.completion = null;
        }
    }

    /** Registers (once) the hook that finishes the run when its carrier exchange ends. */
    void finishWithCarrier(RunTransitions transitions) {
        synchronized (lock) {
            if (completion == null && carrier != null) {
                completion = new RunCompletion(run, transitions);
                carrier.getExchangeExtension().addOnCompletion(completion);
            }
        }
    }

    /**
     * When {@code exchange} is the carrier and its end finishes the run: tells the hook that finishes it that its write
     * records the run's last step too.
     *
     * @return whether it was told
     */
    boolean leaveCheckpointToCompletion(Exchange exchange) {
        synchronized (lock) {
            if (carrier != exchange || completion == null) {
                return false;
            }
            completion.recordsLastStep();
            return true;
        }
    }

    /** See {@link FlowExecution#whenEnded(String, Runnable, Runnable)}. */
    void whenEnded(String name, Runnable action, Runnable whenLeft) {
        Exchange registerOn = null;
        synchronized (lock) {
            if (endActions == null) {
                endActions = new LinkedHashMap<>();
                leaveActions = new LinkedHashMap<>();
                registerOn = carrier;
            }
            if (endActions.putIfAbsent(name, action) == null && whenLeft != null) {
                leaveActions.put(name, whenLeft);
            }
        }
        if (registerOn != null) {
            registerOn.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange exchange) {
                    if (attachedOnly) {
                        left();
                    } else if (run.getStatus() != FlowStatus.SUSPENDED) {
                        ended();
                    }
                }
            });
        }
    }

    /** Marks a run attached by flowstate:restore: the end of its exchange does not end it here. */
    void markAttachedOnly() {
        this.attachedOnly = true;
    }

    /** This node saved the run and carries it on: from now on its end here is the run's end. */
    void markCarriedHere() {
        this.attachedOnly = false;
    }

    /** The run ended on this node: runs the end actions (once). */
    void ended() {
        Map<String, Runnable> actions;
        synchronized (lock) {
            actions = endActions;
            endActions = null;
            leaveActions = null;
        }
        runAll(actions);
    }

    /**
     * The run stops on this node without ending here (it suspends or sleeps, or a restored copy's exchange ends): closes
     * its managed resources and runs the leave actions. The end actions stay, for the case the same run object ends
     * here later.
     */
    void left() {
        run.closeManagedResources();
        Map<String, Runnable> actions;
        synchronized (lock) {
            actions = leaveActions == null ? null : new LinkedHashMap<>(leaveActions);
        }
        runAll(actions);
    }

    private void runAll(Map<String, Runnable> actions) {
        if (actions != null) {
            for (Runnable action : actions.values()) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.warn("Cleaning up after run {} failed: {}", run.getExecutionId(), e.getMessage(), e);
                }
            }
        }
    }
}
