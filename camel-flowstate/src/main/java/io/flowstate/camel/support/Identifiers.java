package io.flowstate.camel.support;


/**
 * Validation of every name that can reach a file path or SQL: state keys, flow ids, execution ids, global paths.
 * Checked once where the name enters the component, and again by repositories before they use it.
 */
public final class Identifiers {

    /** Longest key, flow id or execution id accepted. */
    public static final int MAX_LENGTH = 200;

    private static final String NAME_RULE
            = "letters, digits and _ . : - (not starting with . : or -, no '..'), at most " + MAX_LENGTH + " characters";

    /**
     * The prefix of the repository namespaces the component keeps for itself (the {@code global} scope, contexts):
     * flow ids may not start with it, so no flow's persistent state can share their namespace.
     */
    public static final String RESERVED_PREFIX = "flowstate:";

    private Identifiers() {
    }

    /** A state key of the execution, flow or persistent scope. */
    public static String requireKey(String key) {
        return require("state key", key);
    }

    /** A flow id: the route id by default, the namespace of the flow's persistent state. */
    public static String requireFlowId(String flowId) {
        require("flow id", flowId);
        if (flowId.startsWith(RESERVED_PREFIX)) {
            throw new InvalidIdentifierException("The flow id '" + flowId + "' is not valid: ids starting with '"
                                                 + RESERVED_PREFIX + "' are reserved for the component");
        }
        return flowId;
    }

    /** Whether {@code value} is a valid flow id: a name, not starting with the reserved prefix. */
    public static boolean isFlowId(String value) {
        return isName(value) && !value.startsWith(RESERVED_PREFIX);
    }

    /** A context id (header CamelFlowStateContextId): the same rule as state keys. */
    public static String requireContextId(String contextId) {
        return require("context id", contextId);
    }

    /** A key of the given scope's rule: a path for the global scope, a plain key otherwise. */
    public static String requireKeyOrPath(String key) {
        return key != null && key.indexOf('/') >= 0 ? requirePath(key) : requireKey(key);
    }

    /** An execution (run) id, e.g. taken from header CamelFlowStateExecutionId. */
    public static String requireExecutionId(String executionId) {
        return require("execution id", executionId);
    }

    /**
     * A path of the global scope ({@code team/crm/config}): names as for keys, separated by single slashes, no empty
     * segment, no leading or trailing slash.
     */
    public static String requirePath(String path) {
        if (path == null || path.isEmpty()) {
            throw new InvalidIdentifierException("The global path is missing: give a path such as team/crm/config");
        }
        if (path.length() > MAX_LENGTH) {
            throw new InvalidIdentifierException(
                    "The global path '" + printable(path) + "' is longer than " + MAX_LENGTH + " characters");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || !isName(segment)) {
                throw new InvalidIdentifierException("The global path '" + printable(path)
                                                     + "' is not valid: segments separated by single '/' made of "
                                                     + NAME_RULE);
            }
        }
        return path;
    }

    /** Whether {@code value} follows the rule of keys and ids (checked per character: this runs on every call). */
    public static boolean isName(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        char previous = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
            boolean separator = c == '.' || c == ':' || c == '-';
            if (!plain && !(separator && i > 0) || c == '.' && previous == '.') {
                return false;
            }
            previous = c;
        }
        return true;
    }

    private static String require(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidIdentifierException("The " + what + " is missing");
        }
        if (!isName(value)) {
            throw new InvalidIdentifierException(
                    "The " + what + " '" + printable(value) + "' is not valid: use " + NAME_RULE);
        }
        return value;
    }

    /** Shows control characters (NUL, newlines) escaped so an error message cannot be used to forge log lines. */
    static String printable(String value) {
        String cut = value.length() > MAX_LENGTH ? value.substring(0, MAX_LENGTH) + "..." : value;
        StringBuilder sb = new StringBuilder(cut.length());
        for (char c : cut.toCharArray()) {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
