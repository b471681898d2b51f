package org.streamlearn.app.backtest;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Supplier;

/** A one-line progress display on a terminal, at most four updates a second; silent without a writer. */
final class Progress {
    private final PrintWriter out;
    private final long start = System.nanoTime();
    private long last;

    Progress(PrintWriter out) {
        this.out = out;
    }

    /** Shows the count, the fraction read and the rate, and {@code status} (evaluated only when shown). */
    void update(long events, double fraction, Supplier<String> status) {
        if (out == null || (events & 1023) != 0) {
            return;
        }
        long now = System.nanoTime();
        if (now - last < 250_000_000L) {
            return;
        }
        last = now;
        double secs = (now - start) / 1e9;
        out.printf(Locale.ROOT, "\r%,d events  %3.0f%%  %,.0f events/s  %s   ", events, 100.0 * fraction,
                events / Math.max(secs, 1e-9), status.get());
        out.flush();
    }

    /** Shows how many of {@code total} jobs of {@code what} are done; the last one is always shown. */
    void jobs(String what, long finished, long total) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (finished < total && now - last < 250_000_000L) {
            return;
        }
        last = now;
        out.printf(Locale.ROOT, "\r%s: %,d/%,d (%3.0f%%)   ", what, finished, total, 100.0 * finished / total);
        out.flush();
    }

    void done(long events, long invalid) {
        if (out == null) {
            return;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "\r%,d events in %.2f s (%,.0f events/s)%s%n", events, secs,
                events / Math.max(secs, 1e-9), invalid > 0 ? ", " + invalid + " invalid lines skipped" : "");
        out.flush();
    }
}
