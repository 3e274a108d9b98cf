package io.flowstate.camel.time;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.snapshot.FlowSnapshot;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The component option {@code clock} as Camel Main binds it ({@code camel.component.flowstate.clock=#name}): the named
 * bean gives the runs their times; a name no bean has, or a bean that is no clock, stops the start naming the option,
 * and nothing is stored. A maintenance pass asked of a component that is not started says so.
 */
class ClockOptionTest {

    private static final Instant NOW = Instant.parse("2031-05-01T08:30:00Z");

    private final MemoryFlowSnapshotRepository repository = new MemoryFlowSnapshotRepository();
    private Main main;

    @AfterEach
    void stop() {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void theClockBeanNamedByTheOptionGivesTheRunsTheirTimes() throws Exception {
        TestClock clock = new TestClock(NOW);
        CamelContext context = start("#testClock", "testClock", clock);

        assertThat(context.getComponent("flowstate", FlowStateComponent.class).getClock()).isSameAs(clock);
        String id;
        try (ProducerTemplate template = context.createProducerTemplate()) {
            id = template.request("direct:visit", e -> e.getMessage().setBody("x")).getMessage()
                    .getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        }
        FlowSnapshot stored = repository.load(id).orElseThrow();
        assertThat(stored.createdAt()).isEqualTo(NOW);
        assertThat(stored.updatedAt()).isEqualTo(NOW);
    }

    @Test
    void aClockReferenceToNoBeanStopsTheStartNamingTheOptionAndTheBean() {
        Throwable failure = catchThrowable(() -> start("#noSuchClock", "someBean", "not used"));

        assertThat(messages(failure))
                .anyMatch(m -> m.contains("camel.component.flowstate.clock=#noSuchClock") && m.contains("name: clock"))
                .anyMatch(m -> m.contains("No bean could be found in the registry for: noSuchClock of type:"
                                          + " java.time.Clock"));
        assertNothingStored();
    }

    @Test
    void aClockReferenceToABeanOfAnotherTypeStopsTheStartNamingTheOptionAndTheTypeNeeded() {
        Throwable failure = catchThrowable(() -> start("#notAClock", "notAClock", "a text, not a clock"));

        assertThat(messages(failure))
                .anyMatch(m -> m.contains("camel.component.flowstate.clock=#notAClock") && m.contains("name: clock"))
                .anyMatch(m -> m.contains("notAClock of type: java.time.Clock"));
        assertNothingStored();
    }

    @Test
    void aMaintenancePassOfAComponentNotStartedSaysToStartTheContext() {
        FlowStateComponent stopped = new FlowStateComponent();

        assertThatThrownBy(stopped::runMaintenance).isInstanceOf(IllegalStateException.class)
                .hasMessage("The flowstate component is not started: runMaintenance() runs a maintenance pass of a"
                            + " started component; start the CamelContext first");
    }

    private void assertNothingStored() {
        assertThat(repository.countRuns(NOW).total()).isZero();
    }

    private static List<String> messages(Throwable failure) {
        assertThat(failure).as("the start failed").isNotNull();
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }

    private CamelContext start(String clockOption, String beanName, Object bean) {
        main = new Main();
        main.bind(beanName, bean);
        main.bind("repository", repository);
        main.addInitialProperty("camel.component.flowstate.clock", clockOption);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:visit").to("flowstate:start").to("flowstate:snapshot");
            }
        });
        main.start();
        return main.getCamelContext();
    }
}
