package io.flowstate.benchmarks;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.support.RunIds;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the parts of a run's start cost outside a route, to explain {@link StateAccessBenchmark}: the clock read and the
 * id every run needs, and what the two run headers make Camel's message do (its header map is a case-insensitive
 * TreeMap, so every lookup of a header that is not there compares names once the map holds any).
 * <p>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar StateAccessParts}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class StateAccessParts {

    private final CamelContext context = new DefaultCamelContext();
    private final Clock clock = Clock.systemUTC();
    private final String executionId = RunIds.next(clock.instant());
    private Message withoutHeaders;
    private Message withRunHeaders;

    @Setup
    public void messages() {
        context.start(); // a started context gives messages the header map routes use
        withoutHeaders = new DefaultMessage(context);
        withRunHeaders = runHeaders(new DefaultMessage(context));
    }

    @TearDown
    public void stop() {
        context.stop();
    }

    private Message runHeaders(Message message) {
        message.setHeader(FlowStateConstants.EXECUTION_ID, executionId);
        message.setHeader(FlowStateConstants.FLOW_ID, "route1");
        return message;
    }

    /** The start time of a run (also the time part of its id). */
    @Benchmark
    public Object clockInstant() {
        return clock.instant();
    }

    /** A run's id: the clock read and the UUIDv7 as text. */
    @Benchmark
    public Object runId() {
        return RunIds.next(clock.instant());
    }

    @Benchmark
    public Object newMessage() {
        return new DefaultMessage(context);
    }

    /** A new message given the two run headers (less {@link #newMessage()}: putting them). */
    @Benchmark
    public Object newMessageWithRunHeaders() {
        return runHeaders(new DefaultMessage(context));
    }

    /** What flowstate:get does twice (header CamelFlowStateOperation, then CamelFlowStateKey) once the run exists. */
    @Benchmark
    public Object absentHeaderWithRunHeaders() {
        return withRunHeaders.getHeader(FlowStateConstants.KEY, String.class);
    }

    /** The same lookup on a message without headers, as in the property route. */
    @Benchmark
    public Object absentHeaderWithoutHeaders() {
        return withoutHeaders.getHeader(FlowStateConstants.KEY, String.class);
    }

    /** The copy Camel makes of an InOut exchange's message at the end of a route, with the two run headers. */
    @Benchmark
    public Object copyWithRunHeaders() {
        Message copy = new DefaultMessage(context);
        copy.copyFrom(withRunHeaders);
        return copy;
    }

    /** The same copy of a message without headers. */
    @Benchmark
    public Object copyWithoutHeaders() {
        Message copy = new DefaultMessage(context);
        copy.copyFrom(withoutHeaders);
        return copy;
    }
}
