package io.flowstate.camel.nodes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.sql.DataSource;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.main.Main;

/**
 * The change-watch flow of a node of the clustered trigger test: camel-quartz, clustered on a JDBC job store in the
 * shared database, fires a poll every second on one node; the poll reads the source table, {@code flowstate:changes}
 * (commit=onCompletion) passes on the items not seen before, and each is processed ({@code stepMillis}).
 * <p>
 * Prints {@code @@ tick SCHEDULED_MILLIS NODE} when a poll starts and {@code @@ item ID NODE} for each item processed.
 */
final class ClusteredWatch {

    static final String SCHEDULER = "flowstate-watch";
    /** The CamelContext name of every watch node (camel-quartz finds a stored job's context by this name). */
    static final String CAMEL_CONTEXT_NAME = "watch";

    private ClusteredWatch() {
    }

    /** The source the watch reads: one table of item ids. */
    static String sourceTable(String tablePrefix) {
        return tablePrefix + "source";
    }

    /** The Quartz tables' prefix of this cluster. */
    static String quartzPrefix(String tablePrefix) {
        return tablePrefix + "qrtz_";
    }

    static void addTo(Main main, DataSource dataSource, String jdbcUrl, String tablePrefix, String node, long stepMillis) {
        QuartzComponent quartz = new QuartzComponent();
        quartz.setPrefixInstanceName(false);
        quartz.setProperties(quartzProperties(jdbcUrl, tablePrefix));
        main.bind("quartz", quartz);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("quartz:flowstate/watch?cron=0/1+*+*+*+*+?&stateful=true").routeId("watch")
                        .process(e -> {
                            Date scheduled = e.getMessage().getHeader("scheduledFireTime", Date.class);
                            ClusterNodeMain.say("tick " + scheduled.getTime() + " " + node);
                            e.getMessage().setBody(items(dataSource, sourceTable(tablePrefix)));
                        })
                        .to("flowstate:changes:source?idPath=id&commit=onCompletion")
                        .split(body())
                            .process(e -> {
                                ClusterNodeMain.say("item " + e.getMessage().getBody(Map.class).get("id") + " " + node);
                                Thread.sleep(stepMillis);
                            })
                        .end();
            }
        });
    }

    /** Reports this node's Quartz scheduler: a clustered one must run on every node, each with its own id. */
    static void reportScheduler(Main main) throws Exception {
        org.quartz.Scheduler scheduler = main.getCamelContext().getComponent("quartz", QuartzComponent.class)
                .getScheduler();
        ClusterNodeMain.say("scheduler " + scheduler.getSchedulerInstanceId() + " running "
                            + (scheduler.isStarted() && !scheduler.isInStandbyMode()));
    }

    private static Properties quartzProperties(String jdbcUrl, String tablePrefix) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", SCHEDULER);
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.threadPool.threadCount", "2");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.tablePrefix", quartzPrefix(tablePrefix));
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "1000");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
        p.setProperty("org.quartz.jobStore.dataSource", "quartzDs");
        p.setProperty("org.quartz.dataSource.quartzDs.provider", "hikaricp");
        p.setProperty("org.quartz.dataSource.quartzDs.driver", "org.postgresql.Driver");
        p.setProperty("org.quartz.dataSource.quartzDs.URL", jdbcUrl);
        p.setProperty("org.quartz.dataSource.quartzDs.user", "postgres");
        p.setProperty("org.quartz.dataSource.quartzDs.password", "");
        p.setProperty("org.quartz.dataSource.quartzDs.maxConnections", "4");
        return p;
    }

    private static List<Map<String, Object>> items(DataSource dataSource, String table) throws SQLException {
        List<Map<String, Object>> items = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                items.add(Map.of("id", rs.getString(1)));
            }
        }
        return items;
    }
}
