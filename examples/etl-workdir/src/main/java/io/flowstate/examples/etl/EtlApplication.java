package io.flowstate.examples.etl;

import io.flowstate.examples.launcher.ExampleMain;

/**
 * Runs the ETL route in Camel Main; application.properties makes it stop after its one run.
 */
public final class EtlApplication {

    private EtlApplication() {
    }

    public static void main(String[] args) {
        // the routes in this package (EtlRoutes) are found by Camel Main's package scan
        ExampleMain.run(EtlApplication.class, args);
    }
}
