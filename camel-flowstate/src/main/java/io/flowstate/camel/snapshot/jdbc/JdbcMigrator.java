package io.flowstate.camel.snapshot.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.jdbc.JdbcMigrations.Migration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@link JdbcMigrations} a database lacks, in order, and records each in the table
 * {@code <prefix>schema_version} (version, description, time). A database whose table records them all costs one query
 * at start; one of a camel-flowstate from before that table gets the table and every migration, each finding in place
 * what that release had created.
 * <p>
 * Nodes starting at once agree through the version table's primary key. A node claims a migration by inserting its row
 * in a transaction that stays open while a second connection applies the migration, and commits the row after it.
 * Another node inserting the same row waits for that transaction: when it commits, the insert fails as a duplicate and
 * that node goes on to the next migration; when it rolls back (the first node failed or died), the insert succeeds and
 * that node applies the migration itself. So a migration is applied by one node at a time, and recorded once.
 */
final class JdbcMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcMigrator.class);
    /** How long a node waits for another one's migration (H2 gives up on a lock after a few seconds: retried). */
    static final Duration CLAIM_WAIT = Duration.ofMinutes(10);

    private final JdbcAccess jdbc;
    private final JdbcSchema schema;
    private final JdbcDialect dialect;
    private final List<Migration> migrations;

    JdbcMigrator(JdbcAccess jdbc, JdbcSchema schema, JdbcDialect dialect, List<Migration> migrations) {
        this.jdbc = jdbc;
        this.schema = schema;
        this.dialect = dialect;
        this.migrations = migrations;
    }

    /**
     * Brings the tables up to date.
     *
     * @return the versions this node applied (not those another node applied meanwhile)
     */
    List<Integer> migrate() throws SQLException {
        createVersionTable();
        Set<Integer> recorded = recorded();
        List<Integer> applied = new ArrayList<>();
        for (Migration migration : migrations) {
            if (!recorded.contains(migration.version()) && applyOnce(migration)) {
                applied.add(migration.version());
                LOG.info("Tables {}*: applied migration {} ({})", schema.prefix, migration.version(),
                        migration.description());
            }
        }
        int known = migrations.get(migrations.size() - 1).version();
        recorded.stream().filter(v -> v > known).max(Integer::compare).ifPresent(newest -> LOG.info(
                "Tables {}* were migrated to version {} by a newer camel-flowstate; this one knows up to {} and uses"
                                                                                                  + " them as they are",
                schema.prefix, newest, known));
        return applied;
    }

    /** Creates the version table when it is missing (never a statement that needs DDL rights otherwise). */
    void createVersionTable() throws SQLException {
        if (versionTableExists()) {
            return;
        }
        try {
            jdbc.committed(c -> JdbcAccess.update(c, "CREATE TABLE IF NOT EXISTS " + schema.versions
                                                     + " (version INT NOT NULL PRIMARY KEY, description VARCHAR(200) NOT NULL,"
                                                     + " applied_at TIMESTAMP WITH TIME ZONE NOT NULL)"));
        } catch (SQLException e) {
            // PostgreSQL: of two nodes creating it at once, one may fail on the catalog's unique name: fine if it exists
            if (!versionTableExists()) {
                throw e;
            }
        }
    }

    private boolean versionTableExists() throws SQLException {
        return jdbc.withConnection(c -> new SchemaEditor(c, schema, dialect).hasColumn(schema.versions, "version"));
    }

    private Set<Integer> recorded() throws SQLException {
        return new HashSet<>(jdbc.withConnection(
                c -> JdbcAccess.query(c, "SELECT version FROM " + schema.versions, rs -> rs.getInt(1))));
    }

    /** Claims {@code migration} and applies it; false when another node recorded it first. */
    private boolean applyOnce(Migration migration) throws SQLException {
        return jdbc.inTransaction(claim -> {
            if (!claim(claim, migration)) {
                return false;
            }
            jdbc.inTransaction(c -> {
                migration.step().apply(new SchemaEditor(c, schema, dialect));
                return null;
            });
            return true; // the claim's commit records the migration
        });
    }

    /**
     * Inserts the migration's row, uncommitted, waiting while another node holds it. True when this node holds it now,
     * false when another node has recorded it.
     */
    private boolean claim(Connection c, Migration migration) throws SQLException {
        long deadline = System.nanoTime() + CLAIM_WAIT.toNanos();
        boolean waited = false;
        while (true) {
            try {
                JdbcAccess.update(c, "INSERT INTO " + schema.versions + " (version, description, applied_at)"
                                     + " VALUES (?, ?, ?)",
                        migration.version(), migration.description(), Instant.now());
                return true;
            } catch (SQLException e) {
                c.rollback(); // PostgreSQL runs no further statement in a failed transaction
                if (JdbcAccess.isDuplicateKey(e)) {
                    return false;
                }
                if (!JdbcAccess.isLockTimeout(e)) {
                    throw e;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new FlowStateException("Waited " + CLAIM_WAIT.toMinutes() + " minutes for migration "
                                                 + migration.version() + " of the flowstate tables (" + schema.prefix
                                                 + "*), held by another connection: a node applying it, or a transaction"
                                                 + " left open on table " + schema.versions + ". End that transaction,"
                                                 + " then start again",
                            e);
                }
                if (!waited) {
                    waited = true;
                    LOG.info("Tables {}*: waiting for another node to finish migration {}", schema.prefix,
                            migration.version());
                }
            }
        }
    }
}
