package io.flowstate.camel.repository;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.execution.FlowExecutions;
import io.flowstate.camel.snapshot.FlowSnapshotConflictException;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.RepositoryChecks;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.support.Identifiers;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;

/**
 * What the Camel SPI beans share: the repository they keep their data in (the {@code repository} property, else the
 * flowstate component's, found through the component's CamelContext plugin whatever name the component is registered
 * under), and a namespace of their own in it. The component's repository is looked up at first use, once the component
 * has started; a repository given as a property is started and stopped by the bean unless it was started already.
 */
public abstract class FlowStateRepositorySupport extends ServiceSupport implements CamelContextAware {

    /** Compare-and-set rounds of one {@link #update} before it gives up. */
    private static final int ATTEMPTS = 20;

    private final String kind;
    private CamelContext camelContext;
    private FlowSnapshotRepository repository;
    private String namespace;
    private boolean startedHere;
    private Clock clock;

    /** @param kind the bean's part of its repository namespace ({@code idempotent}, {@code state}, ...) */
    protected FlowStateRepositorySupport(String kind) {
        this.kind = kind;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    public FlowSnapshotRepository getRepository() {
        return repository;
    }

    /** The repository to keep the data in; the flowstate component's when not set. */
    public void setRepository(FlowSnapshotRepository repository) {
        this.repository = repository;
    }

    public String getNamespace() {
        return namespace;
    }

    /**
     * The name that keeps this bean's keys apart from every other bean's (e.g. the route or consumer it serves):
     * letters, digits and {@code _ . : -}, at most 100 characters. Required.
     */
    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    /**
     * The clock that decides when keys expire and leases end; when not set, the flowstate component's (its option
     * clock), or the system clock without a component.
     */
    public void setClock(Clock clock) {
        this.clock = clock;
    }

    /** {@code value} when it is null or positive; else fails naming the bean, the property and the value. */
    protected Duration positive(String property, Duration value) {
        if (value != null && (value.isZero() || value.isNegative())) {
            throw new IllegalArgumentException("The " + property + " of " + getClass().getSimpleName() + " must be a"
                                               + " positive ISO-8601 duration such as P7D, was " + value);
        }
        return value;
    }

    protected Clock clock() {
        if (clock != null) {
            return clock;
        }
        FlowExecutions executions = camelContext == null ? null
                : camelContext.getCamelContextExtension().getContextPlugin(FlowExecutions.class);
        return executions != null ? executions.clock() : Clock.systemUTC();
    }

    /**
     * The repository namespace of this bean (checked here too: a bean used without being started is checked at first
     * use): {@code flowstate:<kind>:<namespace>}, under the component's reserved
     * prefix, so no flow's persistent state and no other kind of bean can share it.
     */
    protected String storeNamespace() {
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs its namespace property: a name that"
                                               + " keeps its keys apart from every other bean's (e.g. the route id)");
        }
        if (namespace.length() > 100 || !Identifiers.isName(namespace)) {
            throw new IllegalArgumentException("The namespace '" + RepositoryKeys.printable(namespace) + "' of "
                                               + getClass().getSimpleName() + " is not valid: use letters, digits and"
                                               + " _ . : - (not starting with . : or -, no '..'), at most 100 characters");
        }
        return RepositoryChecks.namespace(Identifiers.RESERVED_PREFIX + kind + ":" + namespace);
    }

    @Override
    protected void doStart() throws Exception {
        storeNamespace();
        if (repository != null && !ServiceHelper.isStarted(repository)) {
            ServiceHelper.startService(repository);
            startedHere = true;
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (startedHere) {
            ServiceHelper.stopService(repository);
            startedHere = false;
        }
    }

    /** The repository in use: the property's, else the started flowstate component's. */
    protected FlowSnapshotRepository repository() {
        if (repository != null) {
            return repository;
        }
        if (camelContext == null) {
            throw new FlowStateException(getClass().getSimpleName() + " has no CamelContext: declare it as a bean of"
                                         + " the CamelContext (it is CamelContextAware) or set its repository property");
        }
        FlowExecutions executions = camelContext.getCamelContextExtension().getContextPlugin(FlowExecutions.class);
        FlowSnapshotRepository found = executions == null ? null : executions.repository();
        if (found == null) {
            throw new FlowStateException(getClass().getSimpleName() + " " + namespace + " found no started flowstate"
                                         + " component in CamelContext " + camelContext.getName()
                                         + ": use the component (a flowstate: endpoint or camel.component.flowstate.*"
                                         + " options) or set the bean's repository property");
        }
        return found;
    }

    /**
     * Read, change, compare-and-set the document stored under {@code stored}, again on conflict (another node wrote
     * first); {@code change} gets the stored document (null when absent) and returns the new one (it must not have
     * side effects). Returns the new version.
     */
    protected long update(String stored, UnaryOperator<ObjectNode> change) {
        return update(stored, change, null);
    }

    /** As {@link #update(String, UnaryOperator)}, storing the document with an expiry (null: none). */
    protected long update(String stored, UnaryOperator<ObjectNode> change, Instant expiresAt) {
        FlowSnapshotRepository repository = repository();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<VersionedValue> current = repository.getValue(storeNamespace(), stored);
            ObjectNode next = change.apply(current.map(v -> ((ObjectNode) v.value()).deepCopy()).orElse(null));
            try {
                return repository.putValue(storeNamespace(), stored, next,
                        current.map(VersionedValue::version).orElse(0L), expiresAt);
            } catch (FlowSnapshotConflictException e) {
                // another writer came first: read again
            }
        }
        throw new FlowStateException("The entry " + stored + " of " + getClass().getSimpleName() + " " + namespace
                                     + " changed under " + ATTEMPTS + " attempts in a row");
    }
}
