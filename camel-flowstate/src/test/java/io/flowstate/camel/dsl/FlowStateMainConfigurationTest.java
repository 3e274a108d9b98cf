package io.flowstate.camel.dsl;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import io.flowstate.camel.snapshot.VersionedValue;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the Camel Main configuration of the component: {@code camel.component.flowstate.repository} binds the named
 * bean, a single repository bean is autowired without any property, and a YAML route file given by
 * {@code camel.main.routesIncludePattern} runs under Main and writes its persistent state into that repository.
 */
class FlowStateMainConfigurationTest {

    private Main main;

    @AfterEach
    void stopMain() {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void repositoryPropertyBindsTheNamedBeanEvenWhenOthersExist() {
        FlowSnapshotRepository myRepo = new MemoryFlowSnapshotRepository();
        FlowSnapshotRepository otherRepo = new MemoryFlowSnapshotRepository();
        CamelContext context = start("classpath:main/flowstate-repository.properties",
                "myRepo", myRepo, "otherRepo", otherRepo);

        assertThat(component(context).getRepository()).isSameAs(myRepo);
        assertVisitsCountedIn(context, myRepo);
        assertThat(otherRepo.getValues("visits")).isEmpty();
    }

    @Test
    void singleRepositoryBeanIsAutowiredWithoutAnyProperty() {
        FlowSnapshotRepository onlyRepo = new MemoryFlowSnapshotRepository();
        CamelContext context = start("classpath:main/flowstate-autowired.properties", "someName", onlyRepo);

        assertThat(component(context).getRepository()).isSameAs(onlyRepo);
        assertVisitsCountedIn(context, onlyRepo);
    }

    @Test
    void repositoryBeanDeclaredInPropertiesIsBound() {
        CamelContext context = start("classpath:main/flowstate-beans.properties");

        Object declared = context.getRegistry().lookupByName("myRepo");
        assertThat(declared).isInstanceOf(MemoryFlowSnapshotRepository.class);
        assertThat(component(context).getRepository()).isSameAs(declared);
        assertVisitsCountedIn(context, (FlowSnapshotRepository) declared);
    }

    @Test
    void routesIncludePatternLoadsTheYamlRouteFile() {
        CamelContext context = start("classpath:main/flowstate-autowired.properties", "repo",
                new MemoryFlowSnapshotRepository());

        assertThat(context.getRoute("visits")).as("route from routes/flowstate-main-visits.yaml").isNotNull();
        assertThat(context.getRoute("visits").getEndpoint().getEndpointUri()).isEqualTo("direct://visit");
        assertThat(context.getRouteController().getRouteStatus("visits").isStarted()).isTrue();
    }

    // ------------------------------------------------------------------ helpers

    private CamelContext start(String propertiesLocation, Object... beans) {
        main = new Main();
        main.setDefaultPropertyPlaceholderLocation(propertiesLocation);
        for (int i = 0; i < beans.length; i += 2) {
            main.bind((String) beans[i], beans[i + 1]);
        }
        main.start();
        CamelContext context = main.getCamelContext();
        assertThat(context).as("Camel Main started a CamelContext").isNotNull();
        assertThat(context.getStatus().isStarted()).isTrue();
        return context;
    }

    private static FlowStateComponent component(CamelContext context) {
        return context.getComponent("flowstate", FlowStateComponent.class);
    }

    /** Two runs of the YAML route increment one persistent counter: it must end up, at 2, in {@code repository}. */
    private static void assertVisitsCountedIn(CamelContext context, FlowSnapshotRepository repository) {
        try (ProducerTemplate template = context.createProducerTemplate()) {
            assertThat(template.requestBody("direct:visit", "first")).isEqualTo(1L);
            assertThat(template.requestBody("direct:visit", "second")).isEqualTo(2L);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        VersionedValue stored = repository.getValue("visits", "count").orElseThrow();
        assertThat(stored.value().longValue()).isEqualTo(2L);
        assertThat(stored.version()).isEqualTo(2L);
    }
}
