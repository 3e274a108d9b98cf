package io.flowstate.examples.basics;

import io.flowstate.examples.launcher.ExampleMain;

/**
 * Runs the state-basics routes in Camel Main; application.properties makes it stop after three orders.
 */
public final class StateBasicsApplication {

    private StateBasicsApplication() {
    }

    public static void main(String[] args) {
        // the routes in this package (OrderRoutes) are found by Camel Main's package scan
        ExampleMain.run(StateBasicsApplication.class, args);
    }
}
