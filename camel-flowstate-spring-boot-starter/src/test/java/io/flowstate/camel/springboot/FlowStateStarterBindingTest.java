package io.flowstate.camel.springboot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import io.flowstate.camel.FlowStateComponent;
import io.flowstate.camel.execution.CheckpointPolicy;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code camel.component.flowstate.*} written in a Spring Boot application's configuration, in kebab-case, reaches the
 * component Camel creates, and {@code #name} references are the application's own beans; a real Spring Boot context
 * with camel-spring-boot's auto-configuration each time.
 */
class FlowStateStarterBindingTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(CamelAutoConfiguration.class, FlowStateComponentAutoConfiguration.class));

    @TempDir
    Path dir;

    @Test
    void kebabCaseOptionsReachTheComponent() {
        Path data = dir.resolve("flows");
        runner.withPropertyValues(
                "camel.component.flowstate.data-directory=" + data,
                "camel.component.flowstate.lease-duration=PT20S",
                "camel.component.flowstate.recovery-interval=PT5S",
                "camel.component.flowstate.checkpoint=onSuspend",
                "camel.component.flowstate.retention=P3D",
                "camel.component.flowstate.max-finished-runs=50",
                "camel.component.flowstate.work-directory=" + dir.resolve("work"),
                "camel.component.flowstate.secret-keys=iban,cardNumber").run(context -> {
                    assertThat(context).hasNotFailed();
                    FlowStateComponent component = flowstate(context);
                    assertThat(component.getDataDirectory()).isEqualTo(data.toString());
                    assertThat(component.getLeaseDuration()).isEqualTo(Duration.ofSeconds(20));
                    assertThat(component.getRecoveryInterval()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(component.getCheckpoint()).isEqualTo(CheckpointPolicy.ON_SUSPEND);
                    assertThat(component.getRetention()).isEqualTo(Duration.ofDays(3));
                    assertThat(component.getMaxFinishedRuns()).isEqualTo(50);
                    assertThat(component.getWorkDirectory()).isEqualTo(dir.resolve("work").toString());
                    assertThat(component.getSecretKeys()).isEqualTo("iban,cardNumber");
                    // started on what was bound: the file repository lives in the configured directory
                    assertThat(component.getRepository().location()).contains(data.toString());
                    assertThat(Files.isDirectory(data)).isTrue();
                });
    }

    @Test
    void dataSourceReferenceIsTheApplicationsPool() {
        runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .withUserConfiguration(CountingRoute.class)
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:starter-ds;DB_CLOSE_DELAY=-1",
                        "camel.component.flowstate.data-source=#dataSource")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    DataSource pool = context.getBean("dataSource", DataSource.class);
                    FlowStateComponent component = flowstate(context);
                    assertThat(component.getDataSource()).isSameAs(pool);
                    assertThat(component.getRepository()).isInstanceOf(JdbcFlowSnapshotRepository.class);
                    assertThat(((JdbcFlowSnapshotRepository) component.getRepository()).getDataSource()).isSameAs(pool);

                    context.getBean(CamelContext.class).createProducerTemplate().sendBody("direct:visit", "x");
                    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM flowstate_key_values")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("persistent values stored through the application's pool")
                                .isEqualTo(1);
                    }
                });
    }

    @Test
    void repositoryReferenceChoosesAmongTheApplicationsRepositories() {
        MemoryFlowSnapshotRepository chosen = new MemoryFlowSnapshotRepository();
        runner.withBean("scratchRepository", MemoryFlowSnapshotRepository.class, MemoryFlowSnapshotRepository::new)
                .withBean("flowRepository", MemoryFlowSnapshotRepository.class, () -> chosen)
                .withPropertyValues("camel.component.flowstate.repository=#bean:flowRepository").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(flowstate(context).getRepository()).isSameAs(chosen);
                });
    }

    @Test
    void clockReferenceIsTheApplicationsClock() {
        Clock fixed = Clock.fixed(Instant.parse("2031-01-01T00:00:00Z"), ZoneOffset.UTC);
        runner.withBean("testClock", Clock.class, () -> fixed)
                .withPropertyValues("camel.component.flowstate.clock=#testClock").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(flowstate(context).getClock()).isSameAs(fixed);
                    assertThat(flowstate(context).getExecutions().clock().instant()).isEqualTo(fixed.instant());
                });
    }

    @Test
    void disabledLeavesTheComponentUnconfigured() {
        runner.withPropertyValues("camel.component.flowstate.enabled=false",
                "camel.component.flowstate.data-directory=" + dir.resolve("ignored"),
                "camel.component.flowstate.lease-duration=PT20S").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(FlowStateComponentConfiguration.class);
                    assertThat(context).doesNotHaveBean(ComponentCustomizer.class);
                    FlowStateComponent component = flowstate(context);
                    assertThat(component.getDataDirectory()).isEqualTo("flowstate-data");
                    assertThat(component.getLeaseDuration()).isEqualTo(Duration.ofSeconds(30));
                });
    }

    @Test
    void customizerCanBeTurnedOff() {
        runner.withPropertyValues("camel.component.flowstate.customizer.enabled=false",
                "camel.component.flowstate.lease-duration=PT20S").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(flowstate(context).getLeaseDuration()).isEqualTo(Duration.ofSeconds(30));
                });
    }

    private static FlowStateComponent flowstate(AssertableApplicationContext context) {
        return context.getBean(CamelContext.class).getComponent("flowstate", FlowStateComponent.class);
    }

    @Configuration(proxyBeanMethods = false)
    static class CountingRoute {
        @Bean
        RouteBuilder countingRoute() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:visit").to("flowstate:increment:visits?scope=persistent");
                }
            };
        }
    }
}
