package io.flowstate.examples.etl;

import org.apache.camel.main.Main;

/**
 * Runs the ETL route in Camel Main; application.properties makes it stop after its one run.
 */
public final class EtlApplication {

    private EtlApplication() {
    }

    public static void main(String[] args) throws Exception {
        // the routes in this package (EtlRoutes) are found by Camel Main's package scan
        new Main(EtlApplication.class).run(args);
    }
}
