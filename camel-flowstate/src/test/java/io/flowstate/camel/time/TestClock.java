package io.flowstate.camel.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until the test moves it: give it to the flowstate component (option {@code clock}), move
 * it past a sleep, a suspend timeout or the retention, then call {@code FlowStateComponent.runMaintenance()}. The
 * recipe in docs/testing-flows.md shows this class; users copy it into their own tests.
 */
public final class TestClock extends Clock {

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    public TestClock(Instant start) {
        this(new AtomicReference<>(start), ZoneOffset.UTC);
    }

    private TestClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** Moves the time forward by {@code duration}. */
    public void advance(Duration duration) {
        now.updateAndGet(time -> time.plus(duration));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same moving time, seen in another zone. */
    @Override
    public Clock withZone(ZoneId zone) {
        return new TestClock(now, zone);
    }
}
