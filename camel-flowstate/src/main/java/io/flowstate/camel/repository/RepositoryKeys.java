package io.flowstate.camel.repository;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.flowstate.camel.support.Identifiers;

/**
 * The keys Camel hands the repository beans (message ids, file names, correlation keys, offsets keys) as keys of the
 * repository's key/value store. Any text up to {@link #MAX_LENGTH} characters without control characters is accepted;
 * a key that is a valid repository name ({@code ID-host-1-2}, {@code order-42}) is stored as it is, any other
 * ({@code orders/0}, {@code a b.csv}, {@code a@b.com}) under {@code sha256/<hex of its SHA-256>}. No valid name holds
 * a '/', so the two forms never meet; the beans store the original key in the value, so it is never lost.
 */
final class RepositoryKeys {

    /** The longest key accepted, in characters. */
    static final int MAX_LENGTH = 1000;

    private static final String HASHED = "sha256/";

    private RepositoryKeys() {
    }

    /**
     * The repository key of {@code key}.
     *
     * @param  what                     what the key is, for the message ("idempotent key", "correlation key")
     * @throws IllegalArgumentException naming the key and the rule when it is null, empty, too long or holds a control
     *                                  character
     */
    static String of(String what, String key) {
        check(what, key);
        if (Identifiers.isName(key)) {
            return key;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HASHED + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    /** Fails naming the key and the rule when {@code key} cannot be stored. */
    static void check(String what, String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("The " + what + " is missing: give a non-empty text");
        }
        if (key.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("The " + what + " '" + printable(key) + "' is " + key.length()
                                               + " characters long: at most " + MAX_LENGTH + " are allowed");
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                throw new IllegalArgumentException("The " + what + " '" + printable(key) + "' holds the control"
                                                   + " character " + escaped(key.charAt(i)) + " at index " + i
                                                   + ": keys are text without control characters");
            }
        }
    }

    /** Control characters escaped and long texts cut, so a message cannot forge log lines. */
    static String printable(String value) {
        String cut = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        StringBuilder sb = new StringBuilder(cut.length());
        for (char c : cut.toCharArray()) {
            sb.append(Character.isISOControl(c) ? escaped(c) : String.valueOf(c));
        }
        return sb.toString();
    }

    private static String escaped(char c) {
        return String.format("\\u%04x", (int) c);
    }
}
