package org.streamlearn.app.service;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a closing step on its own daemon thread and waits for it at most a bound, so no step can hang an exit. */
final class Bounded {

    private static final Logger LOG = LoggerFactory.getLogger(Bounded.class);

    private Bounded() {
    }

    /**
     * Runs {@code step} and waits at most {@code timeout} for it.
     *
     * @return whether it finished in time (a step that failed or timed out is logged, never thrown)
     */
    static boolean run(String what, Duration timeout, Runnable step) {
        Thread t = new Thread(() -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                LOG.warn("{} failed: {}", what, FailureWatch.describe(e));
            }
        }, "streamlearn-close-" + what.replace(' ', '-'));
        t.setDaemon(true);
        t.start();
        try {
            t.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            LOG.warn("{} did not finish within {} ms; going on without it", what, timeout.toMillis());
            return false;
        }
        return true;
    }
}
