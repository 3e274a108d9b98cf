package io.flowstate.camel.execution;

import io.flowstate.camel.FlowStateConstants;
import io.flowstate.camel.FlowStateException;
import io.flowstate.camel.support.Identifiers;
import org.apache.camel.Exchange;

/**
 * Who acts on a run: header {@code CamelFlowStateActor} (a user name, an e-mail address, a service id), recorded in the
 * run as given. Free text, but short and printable, since it is stored and shown in logs and answers.
 */
final class Actors {

    private Actors() {
    }

    /**
     * The actor header of {@code exchange}, or null when it has none.
     *
     * @param  when               what the header is read for, for the message ("the start of a run")
     * @throws FlowStateException when it is empty, longer than {@link Identifiers#MAX_LENGTH} or holds control
     *                            characters
     */
    static String of(Exchange exchange, String when) {
        String actor = exchange.getMessage().getHeader(FlowStateConstants.ACTOR, String.class);
        if (actor == null) {
            return null;
        }
        boolean printable = actor.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
        if (actor.isBlank() || actor.length() > Identifiers.MAX_LENGTH || !printable) {
            String shown = actor.length() > Identifiers.MAX_LENGTH ? actor.length() + " characters long"
                    : "'" + actor.replaceAll("\\p{Cntrl}", "?") + "'";
            throw new FlowStateException("Header " + FlowStateConstants.ACTOR + " at " + when + " must be a name of 1 to "
                                         + Identifiers.MAX_LENGTH + " printable characters (no line breaks or other"
                                         + " control characters), was " + shown + ". Nothing was changed.");
        }
        return actor;
    }
}
