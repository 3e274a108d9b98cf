package io.flowstate.camel.dsl;

import java.util.stream.Stream;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guards that a wrong flowstate URI stops the route from starting, with a message naming what is wrong, whichever DSL
 * the route is written in: unknown operation, a key on an operation that takes none, invalid key characters, an
 * invalid flow id, an unknown option, an unknown scope, an increment that is not a number, and the approval options
 * of flowstate:suspend (onTimeout=resume without timeoutPayload, a timeoutPayload that is not JSON, a payload schema
 * not found, not JSON or not a JSON Schema, approval options on another operation), the runs query's unknown
 * statuses, bad instants and durations and a limit out of range, an unknown onDuplicate, a business key too long.
 */
class FlowStateDslBadUriTest extends CamelTestSupport {

    static Stream<Arguments> badUris() {
        Stream<String[]> cases = Stream.of(
                new String[] { "flowstate:fetch:x", "Unknown flowstate operation 'fetch'" },
                new String[] { "flowstate:getAll:x", "flowstate:getAll takes no key" },
                new String[] { "flowstate:set:a/b", "state key 'a/b' is not valid" },
                new String[] { "flowstate:get:..secret", "state key '..secret' is not valid" },
                new String[] { "flowstate:start:my flow", "flow id 'my flow' is not valid" },
                new String[] { "flowstate:get:x?defaultValu=1", "defaultValu" },
                new String[] { "flowstate:get:x?scope=global-ish", "global-ish" },
                new String[] { "flowstate:increment:x?by=lots",
                        "The flowstate endpoint option by (of flowstate:increment) must be a number such as 1, -2 or 0.05,"
                                                              + " not 'lots'" },
                // approval options of flowstate:suspend
                new String[] { "flowstate:suspend:a?timeout=PT1H&onTimeout=resume",
                        "The option onTimeout=resume of flowstate://suspend:a?onTimeout=resume&timeout=PT1H needs"
                                                                                     + " timeoutPayload" },
                new String[] { "flowstate:suspend:a?timeout=PT1H&onTimeout=resume&timeoutPayload=yes",
                        "The option timeoutPayload of flowstate://suspend:a?onTimeout=resume&timeout=PT1H"
                                                                                                  + "&timeoutPayload=yes is not"
                                                                                                  + " JSON: 'yes'" },
                new String[] { "flowstate:suspend:a?timeoutPayload=false", "is used only with onTimeout=resume" },
                new String[] { "flowstate:suspend:a?onTimeout=fail", "The option onTimeout=fail of" },
                new String[] { "flowstate:suspend:a?onTimeout=later",
                        "option onTimeout must be continue, fail or resume, was 'later'" },
                new String[] { "flowstate:suspend:a?payloadSchema=classpath:durable/no-such-schema.json",
                        "the JSON Schema 'classpath:durable/no-such-schema.json' was not found" },
                new String[] { "flowstate:suspend:a?payloadSchema=classpath:durable/broken-schema.json",
                        "the JSON Schema 'classpath:durable/broken-schema.json' is not JSON" },
                new String[] { "flowstate:suspend:a?payloadSchema=classpath:durable/invalid-schema.json",
                        "the JSON Schema 'classpath:durable/invalid-schema.json' is not a valid JSON Schema: /type:" },
                new String[] { "flowstate:resume?selfApproval=false",
                        "The options onTimeout, timeoutPayload, selfApproval and payloadSchema of flowstate://resume"
                                                                      + "?selfApproval=false belong on flowstate:suspend" },
                new String[] { "flowstate:runs?status=SUSPENDED,WAITING", "unknown status 'WAITING': use RUNNING,"
                                                                          + " SUSPENDED, COMPLETED, FAILED" },
                new String[] { "flowstate:runs?startedAfter=yesterday", "option startedAfter (of flowstate:runs) must be"
                                                                        + " an ISO-8601 instant such as"
                                                                        + " 2026-01-31T00:00:00Z, not 'yesterday'" },
                new String[] { "flowstate:runs?updatedBefore=1h", "a positive duration such as PT1H (that long ago),"
                                                                  + " not '1h'" },
                new String[] { "flowstate:runs?updatedBefore=PT0S", "not 'PT0S'" },
                new String[] { "flowstate:runs?limit=1001", "option limit (of flowstate:runs) must be 1 to 1000, not 1001" },
                new String[] { "flowstate:runs?limit=0", "must be 1 to 1000, not 0" },
                new String[] { "flowstate:runs?flow=a b", "flow id 'a b' is not valid" },
                new String[] { "flowstate:start?onDuplicate=ignore", "onDuplicate must be reject or attach, was 'ignore'" },
                new String[] { "flowstate:start?businessKey=" + "k".repeat(201), "at most 200 are allowed" });
        return cases.flatMap(c -> Stream.of(Dsl.values()).map(dsl -> Arguments.of(dsl, c[0], c[1])));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badUris")
    void badUriFailsTheRouteAtStartupWithAMessageNamingTheProblem(Dsl dsl, String uri, String expected) {
        assertThatThrownBy(() -> addRoute(dsl, uri))
                .satisfies(e -> assertThat(messages(e)).contains(expected));
        assertThat(context.getRoute("bad")).as("no route was left running").isNull();
    }

    private void addRoute(Dsl dsl, String uri) throws Exception {
        switch (dsl) {
            case JAVA -> context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:bad").routeId("bad").to(uri);
                }
            });
            case YAML -> load("bad.yaml", """
                    - route:
                        id: bad
                        from:
                          uri: direct:bad
                          steps:
                            - to: "%s"
                    """.formatted(uri));
            case XML -> load("bad.xml", """
                    <routes xmlns="http://camel.apache.org/schema/xml-io">
                        <route id="bad">
                            <from uri="direct:bad"/>
                            <to uri="%s"/>
                        </route>
                    </routes>
                    """.formatted(uri.replace("&", "&amp;")));
        }
    }

    private void load(String name, String text) throws Exception {
        Resource resource = ResourceHelper.fromString(name, text);
        PluginHelper.getRoutesLoader(context).loadRoutes(resource);
    }

    /** The messages of the exception and all its causes, one per line. */
    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
