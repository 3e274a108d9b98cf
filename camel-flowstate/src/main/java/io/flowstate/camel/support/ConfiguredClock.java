package io.flowstate.camel.support;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.function.Supplier;

/**
 * The clock a component is configured with, read anew at each call: the parts that keep the clock are built before the
 * component's options are set, and a test may set a clock of its own on the component before it starts.
 */
public final class ConfiguredClock extends Clock {

    private final Supplier<Clock> configured;

    /** @param configured the clock in use now (never null) */
    public ConfiguredClock(Supplier<Clock> configured) {
        this.configured = configured;
    }

    @Override
    public Instant instant() {
        return configured.get().instant();
    }

    @Override
    public long millis() {
        return configured.get().millis();
    }

    @Override
    public ZoneId getZone() {
        return configured.get().getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return configured.get().withZone(zone);
    }
}
