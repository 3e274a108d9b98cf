package io.flowstate.camel.springboot;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configuration mistakes in {@code camel.component.flowstate.*} stop the application at start with a message that
 * names what was wrong, instead of being ignored.
 */
class FlowStateStarterBadInputTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(CamelAutoConfiguration.class, DataSourceAutoConfiguration.class,
                    FlowStateComponentAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:starter-bad;DB_CLOSE_DELAY=-1");

    @Test
    void misspeltKeyFailsNamingIt() {
        runner.withPropertyValues("camel.component.flowstate.lease-duraton=PT20S").run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure()))
                    .anyMatch(m -> m.contains("camel.component.flowstate.lease-duraton"));
        });
    }

    @Test
    void referenceToAMissingBeanFailsNamingIt() {
        runner.withPropertyValues("camel.component.flowstate.data-source=#ordersPool").run(context -> {
            assertThat(context).hasFailed();
            List<String> messages = messages(context.getStartupFailure());
            assertThat(messages).anyMatch(m -> m.contains("camel.component.flowstate.data-source"));
            assertThat(messages).anyMatch(m -> m.contains("No bean named 'ordersPool'") && m.contains("dataSource"));
        });
    }

    @Test
    void beanNameWithoutHashFailsSayingHowToWriteIt() {
        runner.withPropertyValues("camel.component.flowstate.data-source=dataSource").run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure()))
                    .anyMatch(m -> m.contains("written #beanName, was 'dataSource'"));
        });
    }

    @Test
    void referenceToABeanOfAnotherTypeFailsNamingIt() {
        runner.withBean("notAPool", String.class, () -> "text")
                .withPropertyValues("camel.component.flowstate.data-source=#notAPool").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(messages(context.getStartupFailure()))
                            .anyMatch(m -> m.contains("The bean named 'notAPool' is not a javax.sql.DataSource"));
                });
    }

    @Test
    void clockReferenceToAMissingBeanFailsNamingItAndTheOption() {
        runner.withPropertyValues("camel.component.flowstate.clock=#testClock").run(context -> {
            assertThat(context).hasFailed();
            List<String> messages = messages(context.getStartupFailure());
            assertThat(messages).anyMatch(m -> m.contains("camel.component.flowstate.clock"));
            assertThat(messages).anyMatch(m -> m.contains("No bean named 'testClock'")
                                               && m.contains("beans of type java.time.Clock: none"));
        });
    }

    @Test
    void clockReferenceToABeanOfAnotherTypeFailsNamingIt() {
        runner.withBean("notAClock", String.class, () -> "text")
                .withPropertyValues("camel.component.flowstate.clock=#notAClock").run(context -> {
                    assertThat(context).hasFailed();
                    List<String> messages = messages(context.getStartupFailure());
                    assertThat(messages).anyMatch(m -> m.contains("camel.component.flowstate.clock"));
                    assertThat(messages).anyMatch(m -> m.contains("The bean named 'notAClock' is not a java.time.Clock"));
                });
    }

    @Test
    void unknownCheckpointValueFailsNamingTheKey() {
        runner.withPropertyValues("camel.component.flowstate.checkpoint=sometimes").run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure()))
                    .anyMatch(m -> m.contains("camel.component.flowstate.checkpoint"));
        });
    }

    /** The messages of a failure and its causes, outermost first. */
    private static List<String> messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }
}
