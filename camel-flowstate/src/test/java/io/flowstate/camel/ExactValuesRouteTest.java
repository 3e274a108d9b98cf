package io.flowstate.camel;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.flowstate.camel.snapshot.FlowSnapshotRepository;
import io.flowstate.camel.state.StateTypeException;
import io.flowstate.camel.snapshot.file.FileFlowSnapshotRepository;
import io.flowstate.camel.snapshot.jdbc.JdbcFlowSnapshotRepository;
import io.flowstate.camel.snapshot.memory.MemoryFlowSnapshotRepository;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values come back from routes as they were put, whichever repository holds them: decimals exact with their scale
 * (after a persistent write, a suspend and resume, a restore, a reused context, in typed state), doubles numerically
 * equal.
 */
class ExactValuesRouteTest {

    static final BigDecimal PRECISE = new BigDecimal("1.123456789012345678");

    /** A typed state holding money. */
    public record Invoice(String customer, BigDecimal total) {
    }

    enum Repository {
        MEMORY, FILE, H2, POSTGRESQL;

        FlowSnapshotRepository create(Path dir) throws Exception {
            return switch (this) {
                case MEMORY -> new MemoryFlowSnapshotRepository();
                case FILE -> new FileFlowSnapshotRepository(dir.resolve("data").toString());
                case H2 -> {
                    JdbcDataSource dataSource = new JdbcDataSource();
                    dataSource.setURL("jdbc:h2:file:" + dir.resolve("h2") + ";AUTO_SERVER=FALSE");
                    dataSource.setUser("sa");
                    yield new JdbcFlowSnapshotRepository(dataSource);
                }
                case POSTGRESQL -> {
                    JdbcFlowSnapshotRepository repository = new JdbcFlowSnapshotRepository(postgres().getPostgresDatabase());
                    repository.setTablePrefix("t" + TABLES.incrementAndGet() + "_"); // a fresh set of tables per test
                    yield repository;
                }
            };
        }
    }

    private static final AtomicInteger TABLES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private static synchronized EmbeddedPostgres postgres() throws Exception {
        if (postgres == null) {
            postgres = EmbeddedPostgres.builder().start();
        }
        return postgres;
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @TempDir
    Path dir;

    private CamelContext context;
    private ProducerTemplate template;

    private void start(Repository repository) throws Exception {
        context = new DefaultCamelContext();
        FlowStateComponent flowstate = context.getComponent("flowstate", FlowStateComponent.class);
        flowstate.setRepository(repository.create(dir));
        flowstate.setSecretKeys("apiKey");
        flowstate.setSecretKey(java.util.Base64.getEncoder().encodeToString(new byte[16]).replace('A', 'C'));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // one flow, so one persistent namespace
                from("direct:setPersistent").to("flowstate:start:amounts").to("flowstate:set:amount?scope=persistent");
                from("direct:getPersistent").to("flowstate:start:amounts").to("flowstate:get:amount?scope=persistent");

                from("direct:suspend").routeId("decimals")
                        .to("flowstate:start")
                        .to("flowstate:set:amount")
                        .setHeader("before").simple("${body}") // set passes the body on
                        .to("flowstate:get:amount")
                        .setHeader("inMemory").simple("${body}")
                        .to("flowstate:suspend:approval")
                        .to("flowstate:get:amount");
                from("direct:resume").to("flowstate:resume");
                from("direct:restore").to("flowstate:restore").to("flowstate:get:amount");

                from("direct:invoice")
                        .to("flowstate:start?stateClass=" + Invoice.class.getName())
                        .to("flowstate:set:total")
                        .to("flowstate:snapshot");
                from("direct:restoreInvoice")
                        .to("flowstate:restore?stateClass=" + Invoice.class.getName())
                        .to("flowstate:get:total");

                from("direct:contextSet").to("flowstate:start:ledger").to("flowstate:set:amount");
                from("direct:contextGet").to("flowstate:start:ledger").to("flowstate:get:amount");

                from("direct:increment")
                        .to("flowstate:set:balance")
                        .to("flowstate:increment:balance");
                from("direct:incrementPersistent")
                        .to("flowstate:start:balances")
                        .to("flowstate:set:balance?scope=persistent")
                        .to("flowstate:increment:balance?scope=persistent");
                from("direct:getPersistentBalance")
                        .to("flowstate:start:balances")
                        .to("flowstate:get:balance?scope=persistent");
                from("direct:tenths")
                        .to("flowstate:increment:t?by=0.1")
                        .to("flowstate:increment:t?by=0.2");
                from("direct:tenthsPersistent")
                        .to("flowstate:start:tenths")
                        .to("flowstate:increment:t?scope=persistent&by=0.1")
                        .to("flowstate:increment:t?scope=persistent&by=0.2");
                from("direct:cents").to("flowstate:increment:c?by=10.50");
                from("direct:beyondDoubles").to("flowstate:increment:n?by=9007199254740993");
                from("direct:beyondLongs").to("flowstate:increment:n?by=100000000000000000000");
                from("direct:beyondDoublesPersistent")
                        .to("flowstate:start:beyond")
                        .to("flowstate:increment:n?scope=persistent&by=9007199254740993")
                        .to("flowstate:increment:n?scope=persistent&by=9007199254740993");
                from("direct:addCents")
                        .to("flowstate:set:balance")
                        .to("flowstate:increment:balance?by=0.01");

                from("direct:task")
                        .to("flowstate:start?stateClass=" + TaskState.class.getName())
                        .to("flowstate:set:status")
                        .to("flowstate:snapshot");
                from("direct:restoreTask")
                        .to("flowstate:restore?stateClass=" + TaskState.class.getName())
                        .process(e -> e.getMessage().setBody(io.flowstate.camel.execution.FlowExecution.of(e).state()
                                .getState(TaskState.class)));

                from("direct:lookalike").routeId("lookalike")
                        .to("flowstate:start")
                        .setBody(constant("s3cr3t")).to("flowstate:set:apiKey")
                        .setBody(header("note")).to("flowstate:set:note")
                        .to("flowstate:suspend:approval")
                        .to("flowstate:get:note")
                        .setHeader("apiKey").language("flowstate", ".state.apiKey");
                from("direct:lookalikePersistent")
                        .to("flowstate:start:lookalikes")
                        .to("flowstate:set:note?scope=persistent")
                        .to("flowstate:get:note?scope=persistent");

                from("direct:ratio")
                        .to("flowstate:set:ratio")
                        .setHeader("equal").language("flowstate", ".state.ratio == 0.1")
                        .setHeader("greater").language("flowstate", ".state.ratio > 0.05")
                        .to("flowstate:get:ratio");
            }
        });
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(Repository.class)
    void aPersistentDecimalComesBackExactWithItsScale(Repository repository) throws Exception {
        start(repository);

        for (BigDecimal value : new BigDecimal[] { PRECISE, new BigDecimal("10.50"), new BigDecimal("5"),
                new BigDecimal("1E+3"), new BigDecimal("-0.000125"),
                new BigDecimal("123456789012345678901234567890.123456789") }) {
            template.requestBody("direct:setPersistent", value);

            assertThat(template.requestBody("direct:getPersistent", "x")).as("%s", value).isEqualTo(value);
        }
    }

    @ParameterizedTest
    @EnumSource(Repository.class)
    void aDecimalInARunComesBackExactAfterSuspendResumeAndRestore(Repository repository) throws Exception {
        start(repository);

        Exchange suspended = template.request("direct:suspend", e -> e.getMessage().setBody(new BigDecimal("10.50")));
        assertThat(suspended.getMessage().getHeader("inMemory")).isEqualTo(new BigDecimal("10.50"));
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);

        Exchange restored = template.request("direct:restore",
                e -> e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id));
        assertThat(restored.getMessage().getBody()).isEqualTo(new BigDecimal("10.50"));

        Exchange resumed = template.request("direct:resume", e -> {
            e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID, id);
            e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN,
                    suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN));
        });
        assertThat(resumed.getException()).isNull();
        assertThat(resumed.getMessage().getBody()).isEqualTo(new BigDecimal("10.50"));
    }

    @ParameterizedTest
    @EnumSource(Repository.class)
    void aTypedBigDecimalPropertyComesBackExactAfterRestore(Repository repository) throws Exception {
        start(repository);

        Exchange saved = template.request("direct:invoice", e -> e.getMessage().setBody(PRECISE));
        assertThat(saved.getException()).isNull();

        Object total = template.requestBodyAndHeader("direct:restoreInvoice", "x", FlowStateConstants.EXECUTION_ID,
                saved.getMessage().getHeader(FlowStateConstants.EXECUTION_ID));
        assertThat(total).isEqualTo(PRECISE);
    }

    @ParameterizedTest
    @EnumSource(Repository.class)
    void aReusedContextStartsWithTheExactDecimal(Repository repository) throws Exception {
        start(repository);
        Map<String, Object> ledger = Map.of(FlowStateConstants.CONTEXT_ID, "acme");

        template.requestBodyAndHeaders("direct:contextSet", new BigDecimal("10000000000000000.01"), ledger);

        assertThat(template.requestBodyAndHeaders("direct:contextGet", "x", ledger))
                .isEqualTo(new BigDecimal("10000000000000000.01"));
    }

    @ParameterizedTest
    @EnumSource(Repository.class)
    void aDoubleComesBackAsTheEqualDecimalBeforeAndAfterStorage(Repository repository) throws Exception {
        start(repository);

        Exchange suspended = template.request("direct:suspend", e -> e.getMessage().setBody(0.1d));
        Object inMemory = suspended.getMessage().getHeader("inMemory");
        String id = suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID, String.class);
        Object restored = template.requestBodyAndHeader("direct:restore", "x", FlowStateConstants.EXECUTION_ID, id);
        template.requestBody("direct:setPersistent", 1.0E16d);
        Object persistent = template.requestBody("direct:getPersistent", "x");

        assertThat(inMemory).isEqualTo(new BigDecimal("0.1")).isEqualTo(restored);
        assertThat(((BigDecimal) restored).doubleValue()).isEqualTo(0.1d);
        assertThat(((BigDecimal) persistent).doubleValue()).isEqualTo(1.0E16d);
    }

    @ParameterizedTest
    @EnumSource(Repository.class)
    void incrementKeepsDecimalsExactAndWholeNumbersWhole(Repository repository) throws Exception {
        start(repository);

        for (String scope : new String[] { "direct:increment", "direct:incrementPersistent" }) {
            assertThat(template.requestBody(scope, new BigDecimal("10000000000000000.01"))).as(scope)
                    .isEqualTo(new BigDecimal("10000000000000001.01"));
            assertThat(template.requestBody(scope, new BigDecimal("5"))).as(scope).isEqualTo(new BigDecimal("6"));
            assertThat(template.requestBody(scope, new BigDecimal("10.50"))).as(scope).isEqualTo(new BigDecimal("11.50"));
            assertThat(template.requestBody(scope, 41)).as(scope).isEqualTo(42L);
            assertThat(template.requestBody(scope, 0.5d)).as(scope).isEqualTo(new BigDecimal("1.5"));
            assertThat(template.requestBody(scope, Long.MAX_VALUE)).as(scope)
                    .isEqualTo(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE));
        }
        template.requestBody("direct:incrementPersistent", new BigDecimal("10.50"));
        assertThat(template.requestBody("direct:getPersistentBalance", "x")).isEqualTo(new BigDecimal("11.50"));
        template.requestBody("direct:incrementPersistent", new BigDecimal("5"));
        assertThat(template.requestBody("direct:getPersistentBalance", "x")).isEqualTo(new BigDecimal("6"));
    }

    @ParameterizedTest
    @EnumSource(Repository.class)
    void incrementByADecimalAddsItExactly(Repository repository) throws Exception {
        start(repository);

        assertThat(template.requestBody("direct:tenths", "x")).isEqualTo(new BigDecimal("0.3"));
        assertThat(template.requestBody("direct:tenthsPersistent", "x")).isEqualTo(new BigDecimal("0.3"));
        assertThat(template.requestBody("direct:tenthsPersistent", "x")).isEqualTo(new BigDecimal("0.6"));
        assertThat(template.requestBody("direct:cents", "x")).isEqualTo(new BigDecimal("10.50"));
    }

    @ParameterizedTest
    @EnumSource(Repository.class)
    void incrementByAWholeNumberBeyondTheDoublesStaysExact(Repository repository) throws Exception {
        start(repository);

        assertThat(template.requestBody("direct:beyondDoubles", "x")).isEqualTo(9007199254740993L);
        assertThat(template.requestBody("direct:beyondDoublesPersistent", "x")).isEqualTo(18014398509481986L);
        assertThat(template.requestBody("direct:beyondLongs", "x")).isEqualTo(new BigInteger("100000000000000000000"));
    }

    @ParameterizedTest
    @EnumSource(value = Repository.class, names = "MEMORY")
    void anIncrementThatWouldNeedMoreDigitsThanANumberMayHaveFailsAtOnce(Repository repository) throws Exception {
        start(repository);

        Exchange out = template.request("direct:addCents", e -> e.getMessage().setBody(new BigDecimal("1E+999999999")));

        assertThat(out.getException()).isInstanceOf(StateTypeException.class)
                .hasMessageContaining("Cannot increment state key 'balance'").hasMessageContaining("digits");
    }

    @ParameterizedTest
    @EnumSource(Repository.class)
    void anEnumNamedByJacksonIsAcceptedByTypedStateAndRestoredAsItself(Repository repository) throws Exception {
        start(repository);

        Exchange saved = template.request("direct:task",
                e -> e.getMessage().setBody(TaskState.Status.IN_PROGRESS));
        assertThat(saved.getException()).isNull();
        Object task = template.requestBodyAndHeader("direct:restoreTask", "x", FlowStateConstants.EXECUTION_ID,
                saved.getMessage().getHeader(FlowStateConstants.EXECUTION_ID));

        assertThat(task).isEqualTo(new TaskState(TaskState.Status.IN_PROGRESS, null));
    }

    @ParameterizedTest
    @EnumSource(Repository.class)
    void plainTextThatLooksLikeASealedSecretSurvivesUnderAKeyThatIsNotSecret(Repository repository) throws Exception {
        start(repository);

        for (String text : new String[] { "flowstate:secret:redacted", "flowstate:secret:v1:bm90IGEgY2lwaGVydGV4dA" }) {
            Exchange suspended = template.request("direct:lookalike", e -> {
                e.getMessage().setHeader("note", text);
                e.getMessage().setHeader("echo", text); // recorded input, read back on resume
            });
            assertThat(suspended.getException()).isNull();
            Exchange resumed = template.request("direct:resume", e -> {
                e.getMessage().setHeader(FlowStateConstants.EXECUTION_ID,
                        suspended.getMessage().getHeader(FlowStateConstants.EXECUTION_ID));
                e.getMessage().setHeader(FlowStateConstants.RESUME_TOKEN,
                        suspended.getMessage().getHeader(FlowStateConstants.RESUME_TOKEN));
            });

            assertThat(resumed.getException()).as(text).isNull();
            assertThat(resumed.getMessage().getBody()).as(text).isEqualTo(text);
            assertThat(resumed.getMessage().getHeader("echo")).as(text).isEqualTo(text);
            assertThat(resumed.getMessage().getHeader("apiKey")).as(text).isEqualTo("s3cr3t");
            assertThat(template.requestBody("direct:lookalikePersistent", text)).as(text).isEqualTo(text);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Repository.class, names = "MEMORY")
    void jqComparesADecimalInStateWithANumberLiteral(Repository repository) throws Exception {
        start(repository);

        Exchange out = template.request("direct:ratio", e -> e.getMessage().setBody(0.1d));

        assertThat(out.getMessage().getHeader("equal")).isEqualTo(true);
        assertThat(out.getMessage().getHeader("greater")).isEqualTo(true);
    }
}
