package io.flowstate.camel.snapshot.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.snapshot.FlowSnapshotCodec;
import io.flowstate.camel.snapshot.RepositoryChecks;
import io.flowstate.camel.snapshot.ValueVersions;
import io.flowstate.camel.snapshot.VersionedValue;

/**
 * Persistent values in their own table: an INSERT for a new key (duplicate key = conflict) at a random first version
 * (see {@link ValueVersions}), a versioned UPDATE or DELETE otherwise (zero rows = conflict). Atomic across nodes
 * sharing the database.
 */
final class JdbcValueStore {

    private static final String DUPLICATE_KEY = "23505";

    private final DataSource dataSource;
    private final JdbcSchema schema;
    private final FlowSnapshotCodec codec;

    JdbcValueStore(DataSource dataSource, JdbcSchema schema, FlowSnapshotCodec codec) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.codec = codec;
    }

    Optional<VersionedValue> get(String namespace, String key) {
        check(namespace, key);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT value_json, version FROM " + schema.values
                                                       + " WHERE value_namespace = ? AND value_key = ?")) {
            ps.setString(1, namespace);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(value(namespace, rs.getString(1), key, rs.getLong(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failed("read persistent value " + namespace + "/" + key, e);
        }
    }

    long put(String namespace, String key, JsonNode value, long expectedVersion) {
        check(namespace, key);
        String json = new String(codec.encodeValue("persistent value " + namespace + "/" + key,
                value == null ? NullNode.instance : value), StandardCharsets.UTF_8);
        try {
            return JdbcFlowSnapshotRepository.committed(dataSource, c -> put(c, namespace, key, json, expectedVersion));
        } catch (SQLException e) {
            if (DUPLICATE_KEY.equals(e.getSQLState())) {
                throw RepositoryChecks.valueConflict(namespace, key, 0, get(namespace, key).map(VersionedValue::version).orElse(null));
            }
            throw failed("store persistent value " + namespace + "/" + key, e);
        }
    }

    private long put(Connection c, String namespace, String key, String json, long expectedVersion) throws SQLException {
        long next = ValueVersions.next(expectedVersion); // a key created again does not restart at 1 (ABA)
        if (expectedVersion == 0) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.values
                                                           + " (value_namespace, value_key, value_json, version) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, namespace);
                ps.setString(2, key);
                ps.setString(3, json);
                ps.setLong(4, next);
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.values
                                                           + " SET value_json = ?, version = version + 1"
                                                           + " WHERE value_namespace = ? AND value_key = ? AND version = ?")) {
                ps.setString(1, json);
                ps.setString(2, namespace);
                ps.setString(3, key);
                ps.setLong(4, expectedVersion);
                if (ps.executeUpdate() == 0) {
                    throw RepositoryChecks.valueConflict(namespace, key, expectedVersion, storedVersion(c, namespace, key));
                }
            }
        }
        return next;
    }

    void delete(String namespace, String key, long expectedVersion) {
        check(namespace, key);
        try {
            JdbcFlowSnapshotRepository.committed(dataSource, c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema.values
                                                               + " WHERE value_namespace = ? AND value_key = ? AND version = ?")) {
                    ps.setString(1, namespace);
                    ps.setString(2, key);
                    ps.setLong(3, expectedVersion);
                    if (ps.executeUpdate() == 0) {
                        throw RepositoryChecks.valueConflict(namespace, key, expectedVersion, storedVersion(c, namespace, key));
                    }
                    return null;
                }
            });
        } catch (SQLException e) {
            throw failed("delete persistent value " + namespace + "/" + key, e);
        }
    }

    Map<String, VersionedValue> getAll(String namespace) {
        RepositoryChecks.namespace(namespace);
        Map<String, VersionedValue> values = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT value_key, value_json, version FROM " + schema.values
                                                       + " WHERE value_namespace = ?")) {
            ps.setString(1, namespace);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1);
                    values.put(key, value(namespace, rs.getString(2), key, rs.getLong(3)));
                }
            }
            return values;
        } catch (SQLException e) {
            throw failed("read the persistent values of " + namespace, e);
        }
    }

    int deleteAll(String namespace) {
        RepositoryChecks.namespace(namespace);
        try {
            return JdbcFlowSnapshotRepository.committed(dataSource, c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema.values + " WHERE value_namespace = ?")) {
                    ps.setString(1, namespace);
                    return ps.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw failed("delete the persistent values of " + namespace, e);
        }
    }

    private Long storedVersion(Connection c, String namespace, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT version FROM " + schema.values + " WHERE value_namespace = ? AND value_key = ?")) {
            ps.setString(1, namespace);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private VersionedValue value(String namespace, String json, String key, long version) {
        JsonNode node = codec.decodeValue(json.getBytes(StandardCharsets.UTF_8),
                "The persistent value " + namespace + "/" + key + " in table " + schema.values);
        return new VersionedValue(node, version);
    }

    private static void check(String namespace, String key) {
        RepositoryChecks.namespace(namespace);
        RepositoryChecks.valueKey(key);
    }

    private FlowStateException failed(String what, SQLException e) {
        return new FlowStateException("Could not " + what + " in table " + schema.values + ": " + e.getMessage()
                                      + " [SQLState " + e.getSQLState() + "]. Nothing was changed", e);
    }
}
