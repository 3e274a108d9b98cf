package io.flowstate.examples.basics;

import org.apache.camel.main.Main;

/**
 * Runs the state-basics routes in Camel Main; application.properties makes it stop after three orders.
 */
public final class StateBasicsApplication {

    private StateBasicsApplication() {
    }

    public static void main(String[] args) throws Exception {
        // the routes in this package (OrderRoutes) are found by Camel Main's package scan
        new Main(StateBasicsApplication.class).run(args);
    }
}
