package io.flowstate.camel.repository;

import java.nio.file.Path;
import java.time.Instant;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.CompactingRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the contract suites of the SPI beans share: a CamelContext whose flowstate component (registered under a name
 * other than "flowstate", so the beans cannot find it by that name) keeps its data on the store under test, and the
 * beans that find the component's repository by themselves.
 */
abstract class AbstractRepositoryBeanTest {

    protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    protected Path dir;

    protected RepositoryStores stores;
    protected CompactingRepository store;
    protected CamelContext context;
    protected ProducerTemplate template;
    protected final TestClock clock = new TestClock(T0);

    /** The stores of the subclass's kind (file, H2, PostgreSQL). */
    protected abstract RepositoryStores stores(Path dir);

    /** The largest value the store accepts, in bytes; the repository's default unless a suite needs a small one. */
    protected int maxValueSize() {
        return 16 * 1024 * 1024;
    }

    /** The suite's routes and beans. */
    protected abstract RoutesBuilder routes();

    @BeforeEach
    void startContext() throws Exception {
        stores = stores(dir);
        store = stores.newRepository();
        store.setMaxSnapshotSize(maxValueSize());
        context = node("node-a", store, routes());
        template = context.createProducerTemplate();
    }

    /**
     * A started CamelContext on {@code repository} with {@code routes} (null: none), its component on the test's
     * clock: the component's maintenance pass purges expired keys by its clock, which must be the beans'.
     */
    protected CamelContext node(String name, CompactingRepository repository, RoutesBuilder routes) throws Exception {
        CamelContext node = new DefaultCamelContext();
        node.getCamelContextExtension().setName(name);
        FlowStateComponent component = new FlowStateComponent();
        component.setRepository(repository);
        component.setClock(clock);
        node.addComponent("state", component);
        if (routes != null) {
            node.addRoutes(routes);
        }
        node.start();
        return node;
    }

    @AfterEach
    void stopContext() throws Exception {
        if (context != null) {
            context.stop();
        }
        if (store != null && store.isStarted()) {
            store.stop();
        }
        stores.close();
    }

    /** A bean as users declare it: namespace set, repository left to the component, bound to {@code node}. */
    protected <T extends FlowStateRepositorySupport> T bean(CamelContext node, T bean, String namespace) {
        bean.setNamespace(namespace);
        bean.setCamelContext(node);
        bean.setClock(clock);
        bean.start();
        return bean;
    }
}
