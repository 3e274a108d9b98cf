package io.flowstate.camel.snapshot.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.RepositoryChecks;
import io.flowstate.camel.snapshot.ValueUpdate;
import io.flowstate.camel.snapshot.ValueVersions;
import io.flowstate.camel.snapshot.VersionedValue;

/**
 * Persistent values in their own table: an INSERT for a new key (duplicate key = conflict) at a random first version
 * (see {@link ValueVersions}), a versioned UPDATE or DELETE otherwise (zero rows = conflict); an update computed from
 * the stored value holds the row's lock from read to write ({@link #update}). Atomic across nodes sharing the database.
 */
final class JdbcValueStore {

    private final JdbcAccess jdbc;
    private final JdbcSchema schema;
    private final FlowSnapshotCodec codec;
    private final String byKey;
    private final String selectByKey;
    private final String insert;

    JdbcValueStore(JdbcAccess jdbc, JdbcSchema schema, FlowSnapshotCodec codec) {
        this.jdbc = jdbc;
        this.schema = schema;
        this.codec = codec;
        this.byKey = " FROM " + schema.values + " WHERE value_namespace = ? AND value_key = ?";
        this.selectByKey = "SELECT value_json, version, expires_at" + byKey;
        this.insert = "INSERT INTO " + schema.values + " (value_namespace, value_key, value_json, version, expires_at)"
                      + " VALUES (?, ?, ?, ?, ?)";
    }

    Optional<VersionedValue> get(String namespace, String key) {
        check(namespace, key);
        try {
            return Optional.ofNullable(jdbc.withConnection(c -> JdbcAccess.queryFirst(c, selectByKey,
                    valueOf(namespace, key), namespace, key)));
        } catch (SQLException e) {
            throw jdbc.failed("read persistent value " + namespace + "/" + key, e);
        }
    }

    long put(String namespace, String key, JsonNode value, long expectedVersion, Instant expiresAt) {
        check(namespace, key);
        String json = encode(namespace, key, value);
        long next = ValueVersions.next(expectedVersion); // a key created again does not restart at 1 (ABA)
        try {
            jdbc.committed(c -> {
                if (expectedVersion == 0) {
                    return JdbcAccess.update(c, insert, namespace, key, json, next, JdbcAccess.instant(expiresAt));
                }
                return versioned(c, "UPDATE " + schema.values + " SET value_json = ?, version = version + 1, expires_at = ?"
                                    + " WHERE value_namespace = ? AND value_key = ? AND version = ?",
                        namespace, key, expectedVersion, json, JdbcAccess.instant(expiresAt), namespace, key,
                        expectedVersion);
            });
            return next;
        } catch (SQLException e) {
            if (JdbcAccess.isDuplicateKey(e)) {
                throw RepositoryChecks.valueConflict(namespace, key, 0,
                        get(namespace, key).map(VersionedValue::version).orElse(null));
            }
            throw jdbc.failed("store persistent value " + namespace + "/" + key, e);
        }
    }

    /**
     * One transaction: the row read with {@code SELECT ... FOR UPDATE} (concurrent updates of the key wait for the
     * lock), the new value computed and written. An absent key is inserted; when another node inserted it meanwhile,
     * the primary key refuses the insert and the update starts again on the row it inserted. A lock not granted within
     * the database's lock timeout starts it again too: the key is busy, not in conflict. Nothing is kept on the
     * connection beyond the transaction (fit for a transaction-mode pooler).
     */
    VersionedValue update(String namespace, String key, Function<Optional<VersionedValue>, ValueUpdate> change) {
        check(namespace, key);
        while (true) {
            try {
                return jdbc.inTransaction(c -> updateLocked(c, namespace, key, change));
            } catch (SQLException e) {
                if (!JdbcAccess.isDuplicateKey(e) && !JdbcAccess.isLockTimeout(e)) {
                    throw jdbc.failed("update persistent value " + namespace + "/" + key, e);
                }
                // another node created the key, or held it past the lock timeout: read it again
            }
        }
    }

    private VersionedValue updateLocked(Connection c, String namespace, String key,
                                        Function<Optional<VersionedValue>, ValueUpdate> change)
            throws SQLException {
        Optional<VersionedValue> stored = Optional.ofNullable(JdbcAccess.queryFirst(c, selectByKey + " FOR UPDATE",
                valueOf(namespace, key), namespace, key));
        ValueUpdate next = change.apply(stored);
        String json = encode(namespace, key, next.value());
        long version = ValueVersions.next(stored.map(VersionedValue::version).orElse(0L));
        if (stored.isEmpty()) {
            JdbcAccess.update(c, insert, namespace, key, json, version, JdbcAccess.instant(next.expiresAt()));
        } else {
            JdbcAccess.update(c, "UPDATE " + schema.values + " SET value_json = ?, version = ?, expires_at = ?"
                                 + " WHERE value_namespace = ? AND value_key = ?",
                    json, version, JdbcAccess.instant(next.expiresAt()), namespace, key);
        }
        return new VersionedValue(next.value(), version, next.expiresAt());
    }

    void delete(String namespace, String key, long expectedVersion) {
        check(namespace, key);
        try {
            jdbc.committed(c -> versioned(c, "DELETE" + byKey + " AND version = ?",
                    namespace, key, expectedVersion, namespace, key, expectedVersion));
        } catch (SQLException e) {
            throw jdbc.failed("delete persistent value " + namespace + "/" + key, e);
        }
    }

    /** Runs a versioned write; zero rows changed is a conflict, reported with the version now stored. */
    private int versioned(Connection c, String sql, String namespace, String key, long expectedVersion, Object... params)
            throws SQLException {
        int rows = JdbcAccess.update(c, sql, params);
        if (rows == 0) {
            Long stored = JdbcAccess.queryFirst(c, "SELECT version" + byKey, rs -> rs.getLong(1), namespace, key);
            throw RepositoryChecks.valueConflict(namespace, key, expectedVersion, stored);
        }
        return rows;
    }

    Map<String, VersionedValue> getAll(String namespace) {
        RepositoryChecks.namespace(namespace);
        try {
            Map<String, VersionedValue> values = new TreeMap<>();
            jdbc.withConnection(c -> JdbcAccess.query(c,
                    "SELECT value_key, value_json, version, expires_at FROM " + schema.values
                                                          + " WHERE value_namespace = ?",
                    rs -> Map.entry(rs.getString(1),
                            value(namespace, rs.getString(1), rs.getString(2), rs.getLong(3), JdbcAccess.instant(rs, 4))),
                    namespace)).forEach(e -> values.put(e.getKey(), e.getValue()));
            return values;
        } catch (SQLException e) {
            throw jdbc.failed("read the persistent values of " + namespace, e);
        }
    }

    int deleteAll(String namespace) {
        RepositoryChecks.namespace(namespace);
        try {
            return jdbc.committed(c -> JdbcAccess.update(c,
                    "DELETE FROM " + schema.values + " WHERE value_namespace = ?", namespace));
        } catch (SQLException e) {
            throw jdbc.failed("delete the persistent values of " + namespace, e);
        }
    }

    /** One statement: a value written again meanwhile with a later or no expiry no longer matches it. */
    int purgeExpired(Instant now) {
        try {
            return jdbc.committed(c -> JdbcAccess.update(c,
                    "DELETE FROM " + schema.values + " WHERE expires_at <= ?", JdbcAccess.instant(now)));
        } catch (SQLException e) {
            throw jdbc.failed("delete the expired persistent values", e);
        }
    }

    private String encode(String namespace, String key, JsonNode value) {
        return new String(codec.encodeValue("persistent value " + namespace + "/" + key,
                value == null ? NullNode.instance : value), StandardCharsets.UTF_8);
    }

    /** Reads a row of {@code selectByKey}. */
    private JdbcAccess.RowReader<VersionedValue> valueOf(String namespace, String key) {
        return rs -> value(namespace, key, rs.getString(1), rs.getLong(2), JdbcAccess.instant(rs, 3));
    }

    private VersionedValue value(String namespace, String key, String json, long version, Instant expiresAt) {
        JsonNode node = codec.decodeValue(json.getBytes(StandardCharsets.UTF_8),
                "The persistent value " + namespace + "/" + key + " in table " + schema.values);
        return new VersionedValue(node, version, expiresAt);
    }

    private static void check(String namespace, String key) {
        RepositoryChecks.namespace(namespace);
        RepositoryChecks.valueKey(key);
    }
}
