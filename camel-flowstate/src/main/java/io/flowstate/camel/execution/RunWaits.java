package io.flowstate.camel.execution;

/**
 * What a run knows on this node about its suspends and sleeps: the resume signal it was continued with (resume,
 * timeout, wake-up), whether its route was re-entered, and the names of the sleeps without a name it reached.
 */
final class RunWaits {

    /** The prefix of the step names of sleeps without a name. */
    private static final String SLEEP_NAME_PREFIX = "sleep-";

    private final Object lock = new Object();
    // guarded by lock
    private ResumeSignal resumeSignal;
    /** Sleeps without a name reached so far on this node: the n-th is step sleep-n (the same on every re-entry). */
    private int sleepsReached;
    /** Continued by re-entering its route (resume, timeout, wake-up, recovery), rather than started or restored. */
    private volatile boolean reentered;

    /** See {@link FlowExecution#takeResumeSignal}. */
    ResumeSignal takeResumeSignal(String name) {
        synchronized (lock) {
            if (resumeSignal != null && resumeSignal.waitingFor().equals(name)) {
                ResumeSignal signal = resumeSignal;
                resumeSignal = null;
                return signal;
            }
            return null;
        }
    }

    void setResumeSignal(ResumeSignal signal) {
        synchronized (lock) {
            this.resumeSignal = signal;
        }
    }

    boolean isReentered() {
        return reentered;
    }

    void markReentered() {
        this.reentered = true;
    }

    /** See {@link FlowExecution#nextSleepName}. */
    String nextSleepName() {
        synchronized (lock) {
            return SLEEP_NAME_PREFIX + (++sleepsReached);
        }
    }

    /** Whether {@code stepName} is the name {@link #nextSleepName()} gives. */
    static boolean isSleepName(String stepName) {
        if (!stepName.startsWith(SLEEP_NAME_PREFIX) || stepName.length() == SLEEP_NAME_PREFIX.length()) {
            return false;
        }
        for (int i = SLEEP_NAME_PREFIX.length(); i < stepName.length(); i++) {
            if (!Character.isDigit(stepName.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
