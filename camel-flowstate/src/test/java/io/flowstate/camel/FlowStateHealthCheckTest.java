package io.flowstate.camel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The component adds its readiness and liveness checks to camel-health by itself (no option), on the file repository:
 * the probe leaves no data behind, an unwritable store makes readiness DOWN with the cause, and a maintenance pass that
 * fails every time makes liveness DOWN with its error after three recovery intervals. Checks leave with the component.
 */
class FlowStateHealthCheckTest {

    @TempDir
    Path dir;

    private CamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void bothChecksAreUpOnAHealthyRepository() {
        start("PT30S");

        assertThat(readiness().getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(liveness().getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(readiness().getDetails()).containsEntry("repository", "FileFlowSnapshotRepository");
    }

    @Test
    void theReadinessProbeOverwritesOneValueInPlaceAndStoresNoRun() {
        start("PT30S");
        FlowSnapshotRepository repository = component().getRepository();

        for (int i = 0; i < 5; i++) {
            assertThat(readiness().getState()).isEqualTo(HealthCheck.State.UP);
        }

        assertThat(repository.getValues(FlowStateRepositoryHealthCheck.PROBE_NAMESPACE))
                .containsOnlyKeys(FlowStateRepositoryHealthCheck.PROBE_KEY);
        assertThat(repository.countRuns(Instant.now()).total()).isZero();
    }

    @Test
    void readinessIsDownWithTheCauseWhenTheDataDirectoryRefusesWrites() throws Exception {
        start("PT30S");
        Path values = dir.resolve("data").resolve("values");
        deleteTree(values);
        Files.writeString(values, "not a directory");

        HealthCheck.Result result = readiness();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).get().asString()
                .contains("The flowstate repository at file:" + dir.resolve("data"))
                .contains("does not accept a write");
        assertThat(result.getError()).isPresent();
        assertThat(liveness().getState()).isEqualTo(HealthCheck.State.UP);
    }

    @Test
    void livenessIsDownWithTheLastErrorOnceNoPassCompletedForThreeIntervals() throws Exception {
        start("PT0.2S");
        Path finished = dir.resolve("data").resolve("finished");
        deleteTree(finished);
        Files.writeString(finished, "not a directory"); // retention cannot list finished runs: every pass fails
        Instant brokenAt = Instant.now();

        await().atMost(Duration.ofSeconds(20)).until(() -> liveness().getState() == HealthCheck.State.DOWN);

        HealthCheck.Result result = liveness();
        assertThat(Duration.between(brokenAt, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(result.getMessage()).get().asString()
                .contains("has not completed since").contains("3 recovery intervals of PT0.2S")
                .contains("Could not list the runs in " + finished);
        assertThat(result.getError()).isPresent();
    }

    @Test
    void theChecksLeaveWithTheComponent() {
        start("PT30S");
        assertThat(checks(context, HealthCheck.Kind.READINESS)).extracting(r -> r.getCheck().getId())
                .contains(FlowStateRepositoryHealthCheck.ID);

        component().stop();

        assertThat(checks(context, HealthCheck.Kind.READINESS)).extracting(r -> r.getCheck().getId())
                .doesNotContain(FlowStateRepositoryHealthCheck.ID);
        assertThat(checks(context, HealthCheck.Kind.LIVENESS)).extracting(r -> r.getCheck().getId())
                .doesNotContain(FlowStateMaintenanceHealthCheck.ID);
    }

    private void start(String recoveryInterval) {
        context = new DefaultCamelContext();
        FlowStateComponent component = context.getComponent("flowstate", FlowStateComponent.class);
        component.setRepository(new FileFlowSnapshotRepository(dir.resolve("data").toString()));
        component.setWorkDirectory(dir.resolve("work").toString());
        component.setRecoveryInterval(Duration.parse(recoveryInterval));
        context.start();
    }

    private FlowStateComponent component() {
        return context.getComponent("flowstate", FlowStateComponent.class);
    }

    private HealthCheck.Result readiness() {
        return result(context, HealthCheck.Kind.READINESS, FlowStateRepositoryHealthCheck.ID);
    }

    private HealthCheck.Result liveness() {
        return result(context, HealthCheck.Kind.LIVENESS, FlowStateMaintenanceHealthCheck.ID);
    }

    /** The result of check {@code id} among all checks of that kind, as Camel's health endpoint calls them. */
    static HealthCheck.Result result(CamelContext context, HealthCheck.Kind kind, String id) {
        return checks(context, kind).stream().filter(r -> r.getCheck().getId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " health check " + id));
    }

    static Collection<HealthCheck.Result> checks(CamelContext context, HealthCheck.Kind kind) {
        return HealthCheckHelper.invoke(context, check -> Map.of(HealthCheck.CHECK_KIND, kind),
                check -> kind == HealthCheck.Kind.READINESS ? !check.isReadiness() : !check.isLiveness(), "full");
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
