package io.flowstate.camel.execution;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.HistoryEvent;
import org.apache.camel.Exchange;

/**
 * {@code flowstate:restart}: runs a FAILED run again, on the caller's thread, as its next attempt. By default it goes
 * on from the step that failed; with {@code fromStep} that step and every step completed after it run again. Either
 * way the steps completed before it are skipped with their recorded results, as on a resume, and the run keeps the
 * state it has stored (what it held when it failed). Everything that can refuse the restart is checked before the run
 * is claimed (compare-and-set on its version, so of concurrent restarts exactly one goes on): a refused restart leaves
 * the stored run as it was.
 */
public final class FlowRestarts {

    /** The statuses a run can be restarted from. */
    static final Set<FlowStatus> RESTARTABLE = EnumSet.of(FlowStatus.FAILED, FlowStatus.CANCELLED);

    /** A step id, or a step id with the index of each split, loop or multicast around it: {@code charge[3]}. */
    private static final Pattern STEP_KEY = Pattern.compile("[^\\[\\]]+(\\[\\d+])*");

    private final FlowExecutions executions;
    private final FlowReentry reentry;
    private final Function<String, List<String>> routeSteps;
    private final Predicate<String> stepExists;

    /**
     * @param routeSteps the ids of the flow steps written in a route (by route id), in order
     * @param stepExists whether a step id still exists in this context's routes
     */
    public FlowRestarts(FlowExecutions executions, FlowReentry reentry, Function<String, List<String>> routeSteps,
                        Predicate<String> stepExists) {
        this.executions = executions;
        this.reentry = reentry;
        this.routeSteps = routeSteps;
        this.stepExists = stepExists;
    }

    /**
     * Restarts the run named by header CamelFlowStateExecutionId and replies on {@code caller} with what the flow
     * replies (its final body, or the next suspend's reply).
     *
     * @param fromStep the step (or {@code id[i]} iteration) to run again from; null for the step that failed
     */
    public void restart(Exchange caller, String fromStep) {
        String id = caller.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        if (id == null || id.isEmpty()) {
            throw new FlowStateException("flowstate:restart needs the id of the run to restart in header "
                                         + FlowStateConstants.EXECUTION_ID);
        }
        String actor = caller.getMessage().getHeader(FlowStateConstants.ACTOR, String.class);
        FlowSnapshot stored = executions.starts().load(id);
        checkRestartable(stored);
        FlowSnapshot rewound = rewind(stored, fromStep);
        Map<String, Object> own = RunStarts.takeResources(caller);
        String contextId = stored.contextId();
        if (contextId != null) {
            // the failure freed the context: the run takes it again (its own stored state wins over the context's)
            // so that its completion hands its state over, unless another run of the context holds it now
            executions.contexts().claim(contextId, stored.executionId(), stored.flowId());
        }
        try {
            reentry.restart(rewound, caller, own, run -> {
                run.recordEvent(run.newEvent(HistoryEvent.Type.RESTARTED).step(fromStep).actor(actor).build());
                executions.observers().restarted(run, fromStep, run.getAttempt(), actor);
            });
        } catch (RuntimeException refused) {
            // not when a concurrent restart of the run won: the context is that restart's now (same run id)
            if (contextId != null && executions.repository().load(id).filter(s -> s.version() == stored.version())
                    .isPresent()) {
                executions.contexts().released(stored.executionId(), stored.flowId(), contextId);
            }
            throw refused;
        }
    }

    private static void checkRestartable(FlowSnapshot stored) {
        if (!RESTARTABLE.contains(stored.status())) {
            throw new RestartException("Run " + stored.executionId() + " of flow '" + stored.flowId() + "' is "
                                       + stored.status() + ": only a run that is " + names(RESTARTABLE)
                                       + " can be restarted. Nothing was changed.");
        }
        if (stored.parentExecutionId() != null) {
            throw new RestartException("Run " + stored.executionId() + " of flow '" + stored.flowId() + "' is an inner"
                                       + " run of run " + stored.parentExecutionId() + ": restart that run, which"
                                       + " runs its inner flows again. Nothing was changed.");
        }
    }

    /**
     * The stored run as its next attempt starts it: the attempt counted up, and {@code fromStep} with every step
     * completed after it taken out of the completed steps and results (the first completed key that is
     * {@code fromStep} or an iteration of it, and the keys after it in completion order). A step the route has that
     * the run never completed takes nothing out: the run goes on from where it failed.
     */
    FlowSnapshot rewind(FlowSnapshot stored, String fromStep) {
        List<String> done = stored.completedSteps();
        int from = done.size();
        if (fromStep != null) {
            checkStep(stored, fromStep);
            for (int i = 0; i < done.size() && from == done.size(); i++) {
                String key = done.get(i);
                if (key.equals(fromStep) || key.startsWith(fromStep + "[")) {
                    from = i;
                }
            }
        }
        return nextAttempt(stored, from);
    }

    /**
     * The stored run as its next attempt starts it, with the steps it completed from index {@code from} on (in
     * completion order) taken out of its completed steps and results. {@code from} = the number of completed steps
     * takes none out: the run goes on from the step that failed (an inner run of a restarted run does so).
     */
    static FlowSnapshot nextAttempt(FlowSnapshot stored, int from) {
        List<String> done = stored.completedSteps();
        ObjectNode results = stored.results().deepCopy();
        done.subList(from, done.size()).forEach(results::remove);
        return stored.toBuilder()
                .attempt(stored.attempt() + 1)
                .completedSteps(done.subList(0, from))
                .results(results)
                .build();
    }

    /** {@code fromStep} must be a step of the run's route, or one the run completed in a route it called. */
    private void checkStep(FlowSnapshot stored, String fromStep) {
        if (!STEP_KEY.matcher(fromStep).matches()) {
            throw new RestartException("fromStep '" + fromStep + "' is not a step id, nor a step id with iteration"
                                       + " indexes such as charge[3]. Nothing was changed in run "
                                       + stored.executionId() + ".");
        }
        String stepId = fromStep.contains("[") ? fromStep.substring(0, fromStep.indexOf('[')) : fromStep;
        Set<String> steps = new LinkedHashSet<>(routeSteps.apply(stored.routeId()));
        for (String key : stored.completedSteps()) {
            String completed = key.contains("[") ? key.substring(0, key.indexOf('[')) : key;
            if (stepExists.test(completed)) {
                steps.add(completed);
            }
        }
        if (!steps.contains(stepId)) {
            throw new RestartException("Run " + stored.executionId() + " of flow '" + stored.flowId() + "' has no step '"
                                       + stepId + "' (fromStep=" + fromStep + "): route '" + stored.routeId()
                                       + "' has the steps " + steps + ". Nothing was changed.");
        }
    }

    private static String names(Set<FlowStatus> statuses) {
        List<String> names = new ArrayList<>();
        statuses.forEach(s -> names.add(s.name()));
        return String.join(" or ", names);
    }
}
