package io.flowstate.camel.execution;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import java.util.concurrent.ConcurrentHashMap;

import io.flowstate.camel.resource.ResourceCreationException;
import io.flowstate.camel.resource.ResourceNotFoundException;
import io.flowstate.camel.resource.ResourceTypeException;
import io.flowstate.camel.support.Identifiers;
import io.flowstate.camel.support.InvalidIdentifierException;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live resources of one run (a DataSource, an HTTP client, a callback), looked up by name in this order: the run's
 * own (given in header {@code CamelFlowStateResources} when it started, or when it was resumed), the flow's
 * ({@code resource.NAME=#bean} on the route's {@code flowstate:start}), then the Camel registry.
 * <p>
 * Resources are never put into state or snapshots. What a snapshot records are their names: the run's own and the
 * flow's, and every name the run found in the registry, so that a restore or resume can check each can be resolved
 * again before any step runs. Thread-safe: split and multicast copies share the run.
 */
public final class RunResources {

    /** Where a name was found; the order of the lookup. */
    public enum Source {
        RUN("the run's own resources (header CamelFlowStateResources)"),
        FLOW("the flow's resources (resource.NAME options of flowstate:start)"),
        REGISTRY("the Camel registry");

        private final String description;

        Source(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(RunResources.class);

    private final CamelContext context;
    /** The run these resources belong to: what factories of managed resources are given; null outside a run. */
    private final FlowExecution run;
    /** Managed resources by name: created on first use, closed when the run ends or waits. */
    private final Map<String, Managed> managed = new ConcurrentHashMap<>();
    private volatile Map<String, Object> own;
    private volatile Map<String, Object> flow;
    /** Guarded by this: the names a snapshot records, in the order they became known. */
    private final Set<String> names = new LinkedHashSet<>();
    private boolean namesChanged;

    /**
     * @param own  the run's own resources (copied), may be empty
     * @param flow the flow's resources (copied), may be empty
     */
    public RunResources(CamelContext context, Map<String, Object> own, Map<String, Object> flow) {
        this(context, own, flow, null);
    }

    /**
     * @param run the run the resources belong to, given to the factories of managed resources
     */
    public RunResources(CamelContext context, Map<String, Object> own, Map<String, Object> flow, FlowExecution run) {
        this.context = context;
        this.run = run;
        this.own = copy(own);
        this.flow = copy(flow);
        record(this.own.keySet());
        record(this.flow.keySet());
    }

    /**
     * Checks a map given in header {@code CamelFlowStateResources}: names as for state keys, no null values.
     *
     * @return the map with String keys
     */
    public static Map<String, Object> fromHeader(Object header) {
        if (header == null) {
            return Map.of();
        }
        if (!(header instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("Header CamelFlowStateResources must be a Map of resource name to live"
                                               + " object, but is a " + header.getClass().getName());
        }
        Map<String, Object> resources = new LinkedHashMap<>();
        map.forEach((name, value) -> {
            if (!(name instanceof String text) || !Identifiers.isName(text)) {
                throw new InvalidIdentifierException("Header CamelFlowStateResources holds the resource name '" + name
                                                     + "', which is not valid: use letters, digits and _ . : -");
            }
            if (value == null) {
                throw new IllegalArgumentException("Header CamelFlowStateResources gives resource '" + name
                                                   + "' the value null: leave the name out instead");
            }
            resources.put(text, value);
        });
        return resources;
    }

    /**
     * The resource, or null when no source has it. A resource found in the registry is recorded by name. When the source
     * holds a {@link FlowResourceFactory}, the run's managed instance is given (created now on first use).
     *
     * @throws ResourceCreationException when the factory of a managed resource fails
     */
    public Object find(String name) {
        Object value = own.get(name);
        if (value == null) {
            value = flow.get(name);
        }
        if (value == null && name != null && !name.isEmpty()) {
            value = context.getRegistry().lookupByName(name);
            if (value != null) {
                record(List.of(name));
            }
        }
        if (value instanceof FlowResourceFactory<?> factory && run != null) {
            return managed(name, factory);
        }
        return value;
    }

    /** The run's instance of managed resource {@code name}: created once, by one caller, while others wait. */
    private Object managed(String name, FlowResourceFactory<?> factory) {
        Managed holder = managed.computeIfAbsent(name, n -> new Managed());
        boolean created = false;
        Object instance;
        synchronized (holder) {
            if (holder.instance == null) {
                AutoCloseable made;
                try {
                    made = factory.create(run);
                } catch (Exception e) {
                    throw new ResourceCreationException("Managed resource '" + name + "' of run " + run.getExecutionId()
                                                        + " of flow '" + run.getFlowId() + "' could not be created: its"
                                                        + " factory " + factory.getClass().getName() + " failed with "
                                                        + e.getClass().getName() + ": " + e.getMessage(), e);
                }
                if (made == null) {
                    throw new ResourceCreationException("Managed resource '" + name + "' of run " + run.getExecutionId()
                                                        + " of flow '" + run.getFlowId() + "' could not be created: its"
                                                        + " factory " + factory.getClass().getName()
                                                        + " returned null", null);
                }
                holder.instance = made;
                created = true;
            }
            instance = holder.instance;
        }
        if (created) {
            LOG.debug("Created managed resource '{}' of run {}", name, run.getExecutionId());
            run.whenEnded("managedResources", this::closeManaged);
        }
        return instance;
    }

    /**
     * Closes the managed resources created so far (each once); the next use creates them again. Called when the run
     * completes, fails, suspends or sleeps. A close that throws is logged; the others are closed still.
     *
     * @return how many were closed
     */
    public int closeManaged() {
        int closed = 0;
        for (Map.Entry<String, Managed> entry : managed.entrySet()) {
            AutoCloseable instance;
            Managed holder = entry.getValue();
            synchronized (holder) {
                instance = holder.instance;
                holder.instance = null;
            }
            if (instance != null) {
                closed++;
                try {
                    instance.close();
                } catch (Exception e) {
                    LOG.warn("Closing managed resource '{}' of run {} failed: {}", entry.getKey(),
                            run == null ? "?" : run.getExecutionId(), e.getMessage(), e);
                }
            }
        }
        return closed;
    }

    /** Holds one managed instance; its monitor guards creation and closing. */
    private static final class Managed {
        private AutoCloseable instance;
    }

    /**
     * The resource as {@code type}.
     *
     * @param  run                       the run, as named in messages
     * @throws ResourceNotFoundException naming where it was looked for and the names available
     * @throws ResourceTypeException     when it is of another type
     */
    public <T> T require(String name, Class<T> type, String run) {
        Object value = find(name);
        if (value == null) {
            ResourceNotFoundException e = notFound(name, run);
            if (type != null && type != Object.class) {
                e = new ResourceNotFoundException(e.getMessage() + " Beans of type " + type.getName()
                                                  + " in the registry: "
                                                  + new java.util.TreeSet<>(
                                                          context.getRegistry().findByTypeWithName(type).keySet()));
            }
            throw e;
        }
        if (type != null && !type.isInstance(value)) {
            throw new ResourceTypeException("Resource '" + name + "' of " + run + " is a " + value.getClass().getName()
                                            + ", not a " + type.getName() + " (found in " + sourceOf(name).description()
                                            + "). Give a resource of that type under this name, or ask for its type.");
        }
        return type == null ? null : type.cast(value);
    }

    /** The resource, or {@code defaultValue} when no source has it. */
    public Object get(String name, Object defaultValue) {
        Object value = find(name);
        return value != null ? value : defaultValue;
    }

    /** Where {@code name} is found now (RUN, FLOW or REGISTRY), or null. Records nothing. */
    public Source sourceOf(String name) {
        if (own.containsKey(name)) {
            return Source.RUN;
        }
        if (flow.containsKey(name)) {
            return Source.FLOW;
        }
        return name != null && !name.isEmpty() && context.getRegistry().lookupByName(name) != null
                ? Source.REGISTRY : null;
    }

    /** The error for a missing resource: what, where it was looked for, and which names exist. */
    public ResourceNotFoundException notFound(String name, String run) {
        return new ResourceNotFoundException("Resource '" + name + "' not found for " + run + ". Looked in "
                                             + Source.RUN.description() + " " + own.keySet() + ", "
                                             + Source.FLOW.description() + " " + flow.keySet() + " and "
                                             + Source.REGISTRY.description() + " (no bean named '" + name + "')."
                                             + " Give it to the run, declare it on flowstate:start"
                                             + " (resource." + name + "=#myBean) or bind a bean of that name.");
    }

    /** Adds (or replaces) the run's own resources, e.g. those given again to a resume. */
    public void addOwn(Map<String, Object> more) {
        if (more.isEmpty()) {
            return;
        }
        Map<String, Object> merged = new LinkedHashMap<>(own);
        merged.putAll(more);
        own = Map.copyOf(merged);
        record(more.keySet());
    }

    /** The flow's resources, from the flow's flowstate:start (again when a resumed run passes it). */
    public void setFlow(Map<String, Object> resources) {
        if (resources.isEmpty() && flow.isEmpty()) {
            return;
        }
        flow = copy(resources);
        record(flow.keySet());
    }

    /** The names of the run's own resources. */
    public Set<String> ownNames() {
        return own.keySet();
    }

    /** The run's own resources (to pass them on to an inner run). */
    public Map<String, Object> own() {
        return own;
    }

    /** The names a snapshot records, in the order they became known. */
    public synchronized List<String> names() {
        return new ArrayList<>(names);
    }

    /** The names if they changed since the last call (a checkpoint writes them), else null. */
    public synchronized List<String> namesIfChanged() {
        if (!namesChanged) {
            return null;
        }
        namesChanged = false;
        return new ArrayList<>(names);
    }

    /** A checkpoint that wrote the names failed: write them again next time. */
    public synchronized void namesNotSaved() {
        namesChanged = true;
    }

    /** The names a stored run recorded: kept in its later snapshots (with those known since, if any). */
    public synchronized void restoreNames(Collection<String> stored) {
        Set<String> merged = new LinkedHashSet<>(stored);
        merged.addAll(names);
        namesChanged = merged.size() > new LinkedHashSet<>(stored).size();
        names.clear();
        names.addAll(merged);
    }

    private synchronized void record(Collection<String> more) {
        for (String name : more) {
            if (names.add(name)) {
                namesChanged = true;
            }
        }
    }

    private static Map<String, Object> copy(Map<String, Object> map) {
        return map == null || map.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
