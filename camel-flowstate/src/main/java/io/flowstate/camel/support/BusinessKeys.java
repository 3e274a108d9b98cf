package io.flowstate.camel.support;

/**
 * Business keys of runs (option {@code businessKey} of {@code flowstate:start}, header
 * {@code CamelFlowStateBusinessKey}): free text such as an order number or an e-mail address, stored with the run and
 * bound as an SQL parameter (never placed in a path or a statement), so any printable text is allowed.
 */
public final class BusinessKeys {

    /** Longest business key accepted, in characters (the JDBC column holds this many). */
    public static final int MAX_LENGTH = 200;

    private BusinessKeys() {
    }

    /**
     * The key as given, if valid: 1 to {@value #MAX_LENGTH} characters, no control characters (U+0000-U+001F,
     * U+007F-U+009F), which would let a key forge log lines or differ invisibly from another.
     *
     * @throws InvalidIdentifierException naming the key (control characters shown escaped) and the rule
     */
    public static String require(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidIdentifierException("The business key is missing or empty: give 1 to " + MAX_LENGTH
                                                 + " characters without control characters");
        }
        if (key.length() > MAX_LENGTH) {
            throw new InvalidIdentifierException("The business key '" + Identifiers.printable(key) + "' is "
                                                 + key.length() + " characters long: at most " + MAX_LENGTH
                                                 + " are allowed");
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                throw new InvalidIdentifierException("The business key '" + Identifiers.printable(key)
                                                     + "' holds the control character U+"
                                                     + String.format("%04X", (int) key.charAt(i)) + " at position "
                                                     + i + ": use printable text only");
            }
        }
        return key;
    }
}
