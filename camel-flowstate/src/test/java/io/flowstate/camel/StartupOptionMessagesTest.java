package io.flowstate.camel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.assertj.core.api.AbstractThrowableAssert;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Each start-up check of the component's options fails with a message that names the option, the value and what is
 * allowed (one test per message), so a user can fix the setting without reading the code.
 */
class StartupOptionMessagesTest {

    @TempDir
    Path dir;

    @Test
    void aDataDirectoryThatCannotBeCreatedNamesTheOptionTheReasonAndTheFix() {
        // /proc refuses new directories, also to root
        assertStartFails(flowstate -> flowstate.setDataDirectory("/proc/x"))
                .hasMessageContaining("The flowstate data directory (option dataDirectory) '/proc/x' could not be created")
                .hasMessageContaining("/proc/x cannot be made there: a parent directory is missing or refuses new entries")
                .hasMessageContaining("Set dataDirectory (camel.component.flowstate.dataDirectory) to a directory");
    }

    @Test
    void aDataDirectoryThatIsAFileSaysSo() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");

        assertStartFails(flowstate -> flowstate.setDataDirectory(file.toString()))
                .hasMessageContaining("(option dataDirectory) '" + file + "' could not be created")
                .hasMessageContaining(file + " is a file, not a directory");
    }

    @Test
    void anEmptyDataDirectorySaysWhatToSet() {
        assertStartFails(flowstate -> flowstate.setDataDirectory(" "))
                .hasMessageContaining("The flowstate data directory (option dataDirectory) is not set: set it to the"
                                      + " directory for the file repository's runs");
    }

    @Test
    void aDataSourceWithoutAConnectionNamesTheOptionAndWhatToCheck() {
        JdbcDataSource unreachable = new JdbcDataSource();
        unreachable.setURL("jdbc:h2:tcp://127.0.0.1:1/nothing-listens-here");

        assertStartFails(flowstate -> flowstate.setDataSource(unreachable))
                .hasMessageContaining("The flowstate data source (option dataSource) org.h2.jdbcx.JdbcDataSource gave no"
                                      + " connection: ")
                .hasMessageContaining("Check its URL, user and password and that the database is reachable");
    }

    @Test
    void aSecretKeyThatIsNotBase64SaysWhatAKeyLooksLikeWithoutShowingIt() {
        assertStartFails(flowstate -> flowstate.setSecretKey("not base64 at all!"))
                .hasMessageContaining("The flowstate component option secretKey is not base64 text (its value is not"
                                      + " shown, it is a secret)")
                .hasMessageContaining("a base64 AES key of 16, 24 or 32 bytes")
                .message().doesNotContain("not base64 at all!");
    }

    @Test
    void aSecretKeyOfTheWrongLengthSaysTheLengthsAllowed() {
        assertStartFails(flowstate -> flowstate.setSecretKey("c2hvcnQ="))
                .hasMessageContaining("secretKey must be a base64 AES key of 16, 24 or 32 bytes, but decodes to 5 bytes");
    }

    @Test
    void aNonPositiveDurationNamesTheOptionTheValueAndTheForm() {
        assertStartFails(flowstate -> flowstate.setRecoveryInterval(Duration.ofSeconds(-1)))
                .hasMessage("The flowstate component option recoveryInterval must be a positive ISO-8601 duration such"
                            + " as PT30S, was PT-1S");
    }

    @Test
    void aNegativeMaxFinishedRunsNamesTheOptionAndWhatIsAllowed() {
        assertStartFails(flowstate -> flowstate.setMaxFinishedRuns(-1))
                .hasMessage("The flowstate component option maxFinishedRuns must be 0 (no cap) or a positive number of"
                            + " finished runs to keep, was -1");
    }

    @Test
    void noRecoveryThreadsNamesTheOptionAndWhatIsAllowed() {
        assertStartFails(flowstate -> flowstate.setRecoveryThreads(0))
                .hasMessage("The flowstate component option recoveryThreads must be a positive number of threads (1"
                            + " continues stored runs one after another), was 0");
    }

    @Test
    void aMissingCheckpointListsTheValuesAllowed() {
        assertStartFails(flowstate -> flowstate.setCheckpoint(null))
                .hasMessage("The flowstate component option checkpoint is not set: set it to one of"
                            + " [afterEachStep, onSuspend, manual]");
    }

    @Test
    void anUnknownJacksonModuleNamesTheBeanMissing() {
        assertStartFails(flowstate -> flowstate.setJacksonModuleRefs("#noSuchModule"))
                .hasMessage("The flowstate component option jacksonModuleRefs names 'noSuchModule', but the registry"
                            + " holds no Jackson Module bean of that name");
    }

    @Test
    void anIncrementByThatIsNotANumberNamesTheOptionAndTheValue() {
        assertThatThrownBy(() -> startWith(flowstate -> flowstate.setRepository(new MemoryFlowSnapshotRepository()),
                "flowstate:increment:count?by=two"))
                .rootCause()
                .hasMessage("The flowstate endpoint option by (of flowstate:increment) must be a number such as 1, -2 or"
                            + " 0.05, not 'two'");
    }

    /** The start's failure as the component reports it: the outermost of its own exceptions in the cause chain. */
    private AbstractThrowableAssert<?, ? extends Throwable> assertStartFails(Consumer<FlowStateComponent> options) {
        Throwable failure = catchThrowable(() -> startWith(options, "flowstate:getAll"));
        assertThat(failure).as("the start fails").isNotNull();
        Throwable reported = failure;
        while (reported.getCause() != null && !(reported instanceof FlowStateException)
               && !(reported instanceof IllegalArgumentException)) {
            reported = reported.getCause();
        }
        return assertThat(reported);
    }

    private void startWith(Consumer<FlowStateComponent> options, String uri) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            FlowStateComponent flowstate = new FlowStateComponent();
            flowstate.setDataDirectory(dir.resolve("data").toString());
            options.accept(flowstate);
            context.addComponent("flowstate", flowstate);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:in").to(uri);
                }
            });
            context.start();
        }
    }
}
