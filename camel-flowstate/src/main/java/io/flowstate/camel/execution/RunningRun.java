package io.flowstate.camel.execution;

import java.time.Instant;

/**
 * A RUNNING run this node carries.
 *
 * @param leaseExpiresAt when its lease ends unless renewed; null until this node first saved it
 */
public record RunningRun(String executionId, String flowId, Instant leaseExpiresAt) {
}
