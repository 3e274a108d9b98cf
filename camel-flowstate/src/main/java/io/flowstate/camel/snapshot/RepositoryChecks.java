package io.flowstate.camel.snapshot;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import io.flowstate.camel.support.Identifiers;
import io.flowstate.camel.support.InvalidIdentifierException;

/**
 * Argument checks and messages shared by the repository implementations, so every implementation rejects the same
 * input with the same words before it reaches a path or SQL.
 */
public final class RepositoryChecks {

    /** Oldest created first, ties by execution id: the order of {@link FlowSnapshotRepository#find}. */
    public static final Comparator<FlowSnapshotSummary> CREATION_ORDER
            = Comparator.comparing(FlowSnapshotSummary::createdAt).thenComparing(FlowSnapshotSummary::executionId);

    /** Earliest lease expiry first: the order of {@link FlowSnapshotRepository#findExpiredLeases}. */
    public static final Comparator<FlowSnapshotSummary> LEASE_ORDER
            = Comparator.comparing(FlowSnapshotSummary::leaseExpiresAt).thenComparing(FlowSnapshotSummary::executionId);

    /** Earliest wake-up first: the order of {@link FlowSnapshotRepository#findDue}. */
    public static final Comparator<FlowSnapshotSummary> WAKE_ORDER
            = Comparator.comparing(FlowSnapshotSummary::wakeAt).thenComparing(FlowSnapshotSummary::executionId);

    private RepositoryChecks() {
    }

    /** The first page of {@code matches} (already filtered and in creation order), for repositories that query in memory. */
    public static FlowSnapshotPage page(List<FlowSnapshotSummary> matches, FlowSnapshotQuery query) {
        if (matches.size() <= query.pageSize()) {
            return new FlowSnapshotPage(matches, null);
        }
        List<FlowSnapshotSummary> page = matches.subList(0, query.pageSize());
        return new FlowSnapshotPage(page, query.pageTokenAfter(page.get(page.size() - 1)));
    }

    /** At most {@code limit} of {@code list}, from its start. */
    public static List<FlowSnapshotSummary> first(List<FlowSnapshotSummary> list, int limit) {
        return list.size() > limit ? List.copyOf(list.subList(0, limit)) : list;
    }

    public static String executionId(String executionId) {
        return Identifiers.requireExecutionId(executionId);
    }

    /** A namespace of persistent values: a flow id or another name of the same form. */
    public static String namespace(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            throw new InvalidIdentifierException("The namespace of the persistent value is missing");
        }
        if (!Identifiers.isName(namespace)) {
            throw new InvalidIdentifierException("The namespace '" + printable(namespace)
                                                 + "' is not valid: use letters, digits and _ . : - (not starting with . : or -, no '..'), at most "
                                                 + Identifiers.MAX_LENGTH + " characters");
        }
        return namespace;
    }

    /** A key of a persistent value: a state key, or a path of names ({@code team/crm/config}) for global values. */
    public static String valueKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidIdentifierException("The state key is missing");
        }
        if (key.indexOf('/') < 0) {
            return Identifiers.requireKey(key);
        }
        return Identifiers.requirePath(key);
    }

    public static long expectedVersion(long expectedVersion) {
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("The expected version must be 0 (absent) or more, not " + expectedVersion);
        }
        return expectedVersion;
    }

    public static int limit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("The limit must be at least 1, not " + limit);
        }
        return limit;
    }

    public static FlowSnapshot snapshot(FlowSnapshot snapshot) {
        return Objects.requireNonNull(snapshot, "snapshot");
    }

    public static FlowSnapshotConflictException runConflict(String executionId, long expected, Long stored) {
        String actual = stored == null ? "it is not stored" : "the stored version is " + stored;
        String hint = expected == 0 ? "a run with this id already exists" : "another save came first";
        return new FlowSnapshotConflictException(
                "Run " + executionId + " was not changed: expected version " + expected + " but " + actual
                                                 + (stored != null && expected == 0 ? " (" + hint + ")" : "")
                                                 + ". Load it again and retry");
    }

    public static FlowSnapshotConflictException valueConflict(String namespace, String key, long expected, Long stored) {
        String actual = stored == null ? "it is absent" : "the stored version is " + stored;
        return new FlowSnapshotConflictException(
                "Persistent value " + namespace + "/" + key + " was not changed: expected version " + expected + " but "
                                                 + actual + ". Read it again and retry");
    }

    private static String printable(String value) {
        StringBuilder sb = new StringBuilder();
        for (char c : value.substring(0, Math.min(value.length(), Identifiers.MAX_LENGTH)).toCharArray()) {
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }
}
