package io.flowstate.camel;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import io.flowstate.camel.snapshot.FlowSnapshotQuery;
import io.flowstate.camel.snapshot.FlowStatus;

/**
 * The options of {@code flowstate:runs} as users write them, read into a {@link FlowSnapshotQuery}: checked when the
 * endpoint is created, so a wrong value fails the route's start naming the option, the value and what is allowed.
 */
final class RunsOptions {

    private RunsOptions() {
    }

    /** Option status: comma-separated status names, any case; empty for none given. */
    static Set<FlowStatus> statuses(String text) {
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        Set<FlowStatus> statuses = EnumSet.noneOf(FlowStatus.class);
        for (String name : text.split(",")) {
            try {
                statuses.add(FlowStatus.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("The flowstate endpoint option status (of flowstate:runs) holds the"
                                                   + " unknown status '" + name.trim() + "': use "
                                                   + Arrays.toString(FlowStatus.values()).replaceAll("[\\[\\]]", "")
                                                   + ", comma-separated");
            }
        }
        return statuses;
    }

    /** An instant option; null stays null. */
    static Instant instant(String option, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("The flowstate endpoint option " + option + " (of flowstate:runs) must"
                                               + " be an ISO-8601 instant such as 2026-01-31T00:00:00Z, not '" + text
                                               + "'");
        }
    }

    /** Option updatedBefore: an instant, or a positive duration meaning that long ago; set on {@code query}. */
    static void updatedBefore(String text, FlowSnapshotQuery.Builder query) {
        if (text == null) {
            return;
        }
        String value = text.trim();
        try {
            if (value.startsWith("P") || value.startsWith("p") || value.startsWith("-")) {
                Duration ago = Duration.parse(value);
                if (ago.isNegative() || ago.isZero()) {
                    throw new DateTimeParseException("not positive", value, 0);
                }
                query.updatedBefore(ago);
            } else {
                query.updatedBefore(Instant.parse(value));
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("The flowstate endpoint option updatedBefore (of flowstate:runs) must be"
                                               + " an ISO-8601 instant such as 2026-01-31T00:00:00Z or a positive"
                                               + " duration such as PT1H (that long ago), not '" + text + "'");
        }
    }

    /** The query an endpoint's options give, for one exchange's business key and page token. */
    static FlowSnapshotQuery query(FlowStateConfiguration c, String businessKey, String pageToken, Instant now) {
        FlowSnapshotQuery.Builder query = FlowSnapshotQuery.builder()
                .flowId(c.getFlow())
                .statuses(c.statuses())
                .waitingFor(c.getWaitingFor())
                .businessKey(businessKey)
                .startedAfter(instant("startedAfter", c.getStartedAfter()))
                .startedBefore(instant("startedBefore", c.getStartedBefore()))
                .leaseOwner(c.getLeaseOwner())
                .pageSize(c.getLimit())
                .pageToken(pageToken)
                .asOf(now);
        updatedBefore(c.getUpdatedBefore(), query);
        return query.build();
    }
}
