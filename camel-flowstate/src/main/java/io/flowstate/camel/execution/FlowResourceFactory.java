package io.flowstate.camel.execution;

import io.flowstate.camel.resource.ResourceCreationException;


/**
 * Makes a managed resource: a live object (a client, a session, a sandbox) that belongs to one run. Declare the factory
 * where a resource instance would go: as the run's own resource, on the flow's flowstate:start
 * ({@code resource.browser=#browserFactory}) or as a registry bean of the resource's name. The component then, per run:
 * <ul>
 * <li>creates the resource on the run's first use ({@code flowstate:resource:NAME}, {@code run.requireResource}), once:
 * steps and split or multicast branches of the run share that one object;</li>
 * <li>closes it when the run completes, fails, suspends or sleeps, so a waiting run holds nothing live;</li>
 * <li>creates it again, on whichever node continues the run, when the run is resumed, woken up or recovered.</li>
 * </ul>
 * A resource given as an instance (not through a factory) is never closed by the component. Factories are called
 * concurrently for different runs, so they must be thread-safe.
 *
 * @param <T> the resource's type
 */
@FunctionalInterface
public interface FlowResourceFactory<T extends AutoCloseable> {

    /**
     * Creates the resource for {@code run}. An exception fails the run's step with a
     * {@link ResourceCreationException} naming the resource and the cause; whatever the factory had begun to open it
     * must close itself before throwing.
     *
     * @param  run the run the resource belongs to (its id, flow id and state may shape the resource)
     * @return     the resource, never null
     */
    T create(FlowExecution run) throws Exception;
}
