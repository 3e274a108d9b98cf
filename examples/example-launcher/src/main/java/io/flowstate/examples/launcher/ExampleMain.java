package io.flowstate.examples.launcher;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts an example in Camel Main, and ends the process with status 1 when it cannot start (a bad endpoint URI, an
 * option a component refuses). Without that, Camel Main's idle timer ({@code camel.main.durationMaxIdleSeconds}) runs
 * on a non-daemon thread that outlives the failed start, and {@code mvn exec:java} (or a plain JVM) waits for it
 * forever.
 * <p>
 * Routes-only examples use this class as their main class; examples with Java routes call
 * {@link #run(Class, String[])} with their own class, whose package Camel Main scans for route builders.
 */
public final class ExampleMain {

    private static final Logger LOG = LoggerFactory.getLogger(ExampleMain.class);

    private ExampleMain() {
    }

    public static void main(String[] args) {
        // Camel Main scans this class's package for route builders: there are none, the routes come from files
        run(ExampleMain.class, args);
    }

    /**
     * Runs Camel Main until it stops by itself (idle timeout) or is stopped (Ctrl+C); returns only when it ran.
     *
     * @param application the class whose package Camel Main scans for route builders
     */
    public static void run(Class<?> application, String[] args) {
        Main main = new Main(application) {
            @Override
            protected CamelContext createCamelContext() {
                CamelContext context = super.createCamelContext();
                // Camel finds flowstate's ContextServicePlugin (which makes every step durable) with this class
                // loader; left unset it uses the system class loader, which does not see the application's jars
                // under `mvn exec:java` (or any launcher with its own class loader), and steps would not be recorded
                context.setApplicationContextClassLoader(application.getClassLoader());
                return context;
            }
        };
        int status;
        try {
            status = main.run(args);
        } catch (Exception e) {
            LOG.error("The application did not start: {}", causes(e));
            status = 1;
        }
        if (status != 0) {
            // ends the JVM (and `mvn exec:java`) although the idle timer's thread is still alive
            System.exit(status);
        }
    }

    /** The messages of the exception and its causes, most specific last, so the reason is on one line. */
    private static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder(String.valueOf(failure.getMessage()));
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(" <- caused by: ").append(cause.getMessage());
            }
        }
        return text.toString();
    }
}
