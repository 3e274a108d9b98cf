package io.flowstate.camel.execution;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.state.JsonValues;
import io.flowstate.camel.state.LocalStateStore;
import io.flowstate.camel.support.Identifiers;
import org.apache.camel.Exchange;
import org.apache.camel.support.ExchangeHelper;

/**
 * Inner flows: a flowstate:start of another flow reached inside a run starts (or, on re-entry, finds again) a child
 * run linked to it, and the end of the inner flow's route finishes the child and gives the exchange back to the parent.
 */
final class InnerRuns {

    private final FlowExecutions executions;
    private final JsonValues json;
    private final Supplier<FlowSnapshotRepository> repository;
    private final Clock clock;
    private final FlowCheckpoints checkpoints;
    private final RunStarts starts;
    private final RunTransitions transitions;

    InnerRuns(FlowExecutions executions, Supplier<FlowSnapshotRepository> repository, Clock clock,
              FlowCheckpoints checkpoints, RunStarts starts, RunTransitions transitions) {
        this.executions = executions;
        this.json = executions.json();
        this.repository = repository;
        this.clock = clock;
        this.checkpoints = checkpoints;
        this.starts = starts;
        this.transitions = transitions;
    }

    /**
     * An inner flow: {@code flowstate:start:CHILD} reached from a step of another run (e.g. through to("direct:…"))
     * starts a child run linked to it, attached while the inner flow's route runs (then the parent is attached again,
     * see {@link #endInner}). Its id is derived from the parent's, so when the parent's route is re-entered (resume,
     * recovery) the same inner run is found and continued instead of starting another.
     */
    FlowExecution startInner(Exchange exchange, FlowExecution parent, FlowExecutions.StartOptions options) {
        if (!Identifiers.isFlowId(options.flowId())) {
            throw new FlowStateException("The flow id '" + options.flowId() + "' is not valid");
        }
        String childId = parent.family().nextChildId(options.flowId(), IterationPosition.of(exchange).place());
        FlowSnapshot stored = repository.get().load(childId).orElse(null);
        FlowExecution child;
        Map<String, Object> own = RunStarts.takeResources(exchange);
        boolean restarted = stored != null && stored.status() == FlowStatus.FAILED
                            && parent.getAttempt() > stored.attempt();
        if (stored == null) {
            Instant now = clock.instant();
            child = new FlowExecution(childId, options.flowId(), ExchangeHelper.getAtRouteId(exchange), now,
                    new LocalStateStore(json, starts.schema(options.stateClass())), executions,
                    RunInput.of(exchange.getMessage(), json), new StepResults(), FlowStatus.RUNNING, 0,
                    parent.getExecutionId(), null);
            // an inner run is part of its parent's work: the same starter (an approval in it compares against them)
            child.setStartedBy(parent.getStartedBy());
            executions.observers().started(child);
        } else if (restarted) {
            // its parent was restarted: the failed inner run goes on with it, from its failed step, as its next attempt
            FlowSnapshot rewound = FlowRestarts.nextAttempt(stored, stored.completedSteps().size());
            child = starts.fromSnapshot(rewound, FlowStatus.RUNNING, checkpoints.claimRestart(rewound),
                    options.stateClass());
        } else if (stored.status().isFinished()) {
            // the parent is re-entered after its inner run finished: every step of it is completed and replays
            child = starts.fromSnapshot(stored, stored.status(), stored.version(), options.stateClass());
        } else {
            ResumeSignal signal = parent.family().childSignals().remove(childId);
            if (stored.status() == FlowStatus.SUSPENDED && signal == null) {
                throw new FlowStateException("The inner run " + childId + " of flow '" + options.flowId()
                                             + "' is suspended at '" + stored.waitingFor()
                                             + "': resume that run with its own token");
            }
            child = starts.fromSnapshot(stored, FlowStatus.RUNNING, checkpoints.claim(stored, null, null, List.of()), options.stateClass());
            child.waits().setResumeSignal(signal);
        }
        child.family().setParentRun(parent);
        Map<String, Object> inherited = parent.resources().own();
        if (!inherited.isEmpty() || !own.isEmpty()) {
            child.resources().addOwn(inherited);
            child.resources().addOwn(own);
        }
        starts.applyFlowOptions(child, options);
        exchange.setProperty(FlowStateConstants.EXECUTION, child);
        child.hooks().carriedBy(exchange);
        if (child.getVersion() > 0 && child.getStatus() == FlowStatus.RUNNING) {
            transitions.carryOn(child);
        }
        if (stored != null && (restarted || !stored.status().isFinished())) {
            executions.continuedHere(child);
        }
        return child;
    }

    /**
     * The route of an inner run ended: finish the inner run (COMPLETED or FAILED once saved) and attach its parent
     * again; if the inner run suspended, the parent is saved SUSPENDED waiting for it.
     */
    void endInner(Exchange exchange, FlowExecution child) {
        FlowExecution parent = child.family().getParentRun();
        try {
            if (child.getStatus() == FlowStatus.SUSPENDED) {
                transitions.waitForInner(parent, child);
            } else if (child.getStatus() == FlowStatus.RUNNING && child.getVersion() > 0) {
                Exception failure = exchange.getException();
                transitions.finish(child, failure == null ? FlowStatus.COMPLETED : FlowStatus.FAILED,
                        failure == null ? null : failure.getClass().getName() + ": " + failure.getMessage());
            }
        } finally {
            exchange.setProperty(FlowStateConstants.EXECUTION, parent);
        }
    }
}
