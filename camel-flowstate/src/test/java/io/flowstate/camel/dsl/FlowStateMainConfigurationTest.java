package io.flowstate.camel.dsl;

import java.time.Duration;
import java.time.Instant;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowStatus;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.VersionedValue;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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

    @Test
    void dataSourceOptionUsesTheJdbcRepositoryAndDurationsAreParsed() {
        CamelContext context = start("classpath:main/flowstate-jdbc.properties");

        FlowStateComponent component = component(context);
        assertThat(component.getRepository()).isInstanceOf(JdbcFlowSnapshotRepository.class);
        assertThat(component.getLeaseDuration()).isEqualTo(Duration.ofHours(3));
        assertThat(component.getRecoveryInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(component.getMaxFinishedRuns()).isEqualTo(10);
        assertVisitsCountedIn(context, component.getRepository());
    }

    @Test
    void retentionRemovesFinishedRunsAndKeepsRunningOnes() {
        CamelContext context = start("classpath:main/flowstate-jdbc.properties");
        FlowStateComponent component = component(context);
        FlowSnapshotRepository repository = component.getRepository();
        try (ProducerTemplate template = context.createProducerTemplate()) {
            String finished = template.request("direct:savedRun", e -> e.getMessage().setBody("x"))
                    .getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
            // the maintenance pass may already have removed it (retention 1 ms); if not, it is stored finished
            assertThat(repository.load(finished)).map(FlowSnapshot::status)
                    .satisfiesAnyOf(stored -> assertThat(stored).isEmpty(),
                            stored -> assertThat(stored).contains(FlowStatus.COMPLETED));
            FlowSnapshot running = FlowSnapshot.builder().executionId("01a20736-0000-7000-8000-00000000abcd")
                    .flowId("other").status(FlowStatus.RUNNING).createdAt(Instant.now().minusSeconds(60)).build();
            repository.save(running, 0);

            // retention is 1 ms: the finished run goes at the latest on the pass after that
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                component.getMaintenance().runOnce();
                return repository.load(finished).isEmpty();
            });
            assertThat(repository.load(running.executionId())).isPresent();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aZeroLeaseDurationStopsTheStartWithTheOptionsName() {
        assertThatThrownBy(() -> start("classpath:main/flowstate-bad-lease.properties", "repo",
                new MemoryFlowSnapshotRepository()))
                .hasStackTraceContaining("leaseDuration must be a positive ISO-8601 duration");
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
            long first = repository.getValue("visits", "count").orElseThrow().version();
            assertThat(template.requestBody("direct:visit", "second")).isEqualTo(2L);
            VersionedValue stored = repository.getValue("visits", "count").orElseThrow();
            assertThat(stored.value().longValue()).isEqualTo(2L);
            assertThat(stored.version()).isEqualTo(first + 1);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
