package io.flowstate.examples.changes;

import org.apache.camel.main.Main;

/**
 * Runs the change-watch routes in Camel Main; application.properties makes it stop once the two polls are done.
 */
public final class ChangeWatchApplication {

    private ChangeWatchApplication() {
    }

    public static void main(String[] args) throws Exception {
        // the routes in this package (CustomerWatchRoutes) are found by Camel Main's package scan
        new Main(ChangeWatchApplication.class).run(args);
    }
}
