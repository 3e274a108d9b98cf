package io.flowstate.examples.changes;

import io.flowstate.examples.launcher.ExampleMain;

/**
 * Runs the change-watch routes in Camel Main; application.properties makes it stop once the two polls are done.
 */
public final class ChangeWatchApplication {

    private ChangeWatchApplication() {
    }

    public static void main(String[] args) {
        // the routes in this package (CustomerWatchRoutes) are found by Camel Main's package scan
        ExampleMain.run(ChangeWatchApplication.class, args);
    }
}
