package io.flowstate.camel;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A typed state used by tests whose enums are named on the wire by Jackson annotations, not by their constant names.
 */
public record TaskState(Status status, Priority priority) {

    /** Named by @JsonProperty on each constant. */
    public enum Status {
        @JsonProperty("in-progress")
        IN_PROGRESS,
        @JsonProperty("done")
        DONE
    }

    /** Named by a @JsonValue method. */
    public enum Priority {
        HIGH("high!");

        private final String code;

        Priority(String code) {
            this.code = code;
        }

        @JsonValue
        public String code() {
            return code;
        }
    }
}
