package io.flowstate.camel.dsl;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects the WARN (and worse) messages one logger writes while open; for tests of the flow scope's warning.
 */
final class CapturedWarnings extends AbstractAppender implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private CapturedWarnings(Logger logger) {
        super("captured-warnings-" + System.identityHashCode(logger), null, null, true, Property.EMPTY_ARRAY);
        this.logger = logger;
        this.previousLevel = logger.getLevel();
    }

    static CapturedWarnings of(Class<?> loggerClass) {
        CapturedWarnings captured = new CapturedWarnings((Logger) LogManager.getLogger(loggerClass));
        captured.start();
        captured.logger.addAppender(captured);
        captured.logger.setLevel(Level.WARN);
        return captured;
    }

    @Override
    public void append(LogEvent event) {
        if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
            messages.add(event.getMessage().getFormattedMessage());
        }
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        logger.removeAppender(this);
        logger.setLevel(previousLevel);
        stop();
    }
}
