package io.flowstate.camel.snapshot;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;

import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.support.Identifiers;

/**
 * The token of the next page of a {@link FlowSnapshotQuery}: where the previous page ended (the creation time and id
 * of its last run), the time the first page was asked at (so that {@code updatedBefore=PT1H} means the same instant on
 * every page), and a fingerprint of the query's filters; then a checksum of all that. Opaque to users (URL-safe
 * Base64). Nothing in it is secret: the fingerprint refuses a token given to another query, the checksum one that was
 * changed or cut, so a page never silently continues from a place the caller made up.
 *
 * @param afterCreatedAt   the creation time of the previous page's last run
 * @param afterExecutionId the id of the previous page's last run
 * @param asOf             when the first page was asked
 * @param fingerprint      of the filters ({@link #fingerprint})
 */
record RunPageToken(Instant afterCreatedAt, String afterExecutionId, Instant asOf, long fingerprint) {

    private static final byte FORMAT = 1;
    private static final int CHECKSUM_BYTES = 8;

    String encode() {
        byte[] id = afterExecutionId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(1 + 8 + 8 + 8 + id.length);
        body.put(FORMAT).putLong(micros(afterCreatedAt)).putLong(micros(asOf)).putLong(fingerprint).put(id);
        byte[] content = body.array();
        byte[] token = Arrays.copyOf(content, content.length + CHECKSUM_BYTES);
        System.arraycopy(checksum(content), 0, token, content.length, CHECKSUM_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /**
     * The token as a page returned it.
     *
     * @param  expectedFingerprint the fingerprint of the query it is given to
     * @param  filters             that query's filters, for the message when the token is another query's
     * @throws FlowStateException  naming the token when it was changed, cut or made up, or is another query's
     */
    static RunPageToken decode(String token, long expectedFingerprint, String filters) {
        RunPageToken decoded = parse(token);
        if (decoded == null) {
            throw new FlowStateException("The page token '" + shown(token) + "' is not one a page of runs returned:"
                                         + " it was changed, cut or made up. Give the token of the previous page"
                                         + " unchanged (header CamelFlowStatePageToken), or none for the first page");
        }
        if (decoded.fingerprint != expectedFingerprint) {
            throw new FlowStateException("The page token '" + shown(token) + "' belongs to a query with other"
                                         + " filters than this one (" + filters + "): a token continues only the"
                                         + " query that returned it. Ask again without a token for the first page");
        }
        return decoded;
    }

    private static RunPageToken parse(String token) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int contentLength = bytes.length - CHECKSUM_BYTES;
        if (contentLength < 26 || bytes[0] != FORMAT) {
            return null;
        }
        byte[] content = Arrays.copyOf(bytes, contentLength);
        if (!MessageDigest.isEqual(checksum(content), Arrays.copyOfRange(bytes, contentLength, bytes.length))) {
            return null;
        }
        ByteBuffer body = ByteBuffer.wrap(content, 1, contentLength - 1);
        Instant createdAt = Instant.EPOCH.plus(body.getLong(), ChronoUnit.MICROS);
        Instant asOf = Instant.EPOCH.plus(body.getLong(), ChronoUnit.MICROS);
        long fingerprint = body.getLong();
        String id = new String(content, 25, contentLength - 25, StandardCharsets.UTF_8);
        return Identifiers.isName(id) ? new RunPageToken(createdAt, id, asOf, fingerprint) : null;
    }

    /** A fingerprint of a query's filters as written (their canonical text). */
    static long fingerprint(String canonicalFilters) {
        return ByteBuffer.wrap(sha256(canonicalFilters.getBytes(StandardCharsets.UTF_8))).getLong();
    }

    private static byte[] checksum(byte[] content) {
        return Arrays.copyOf(sha256(content), CHECKSUM_BYTES);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    /** The start of a token, enough to recognise it, with control characters escaped. */
    private static String shown(String token) {
        String cut = token.length() > 24 ? token.substring(0, 24) + "..." : token;
        StringBuilder sb = new StringBuilder();
        for (char c : cut.toCharArray()) {
            sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }
}
