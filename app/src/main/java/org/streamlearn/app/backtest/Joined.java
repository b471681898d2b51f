package org.streamlearn.app.backtest;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** The result of a backtest's parallel work: a task's runtime failure rethrown as itself, the rest as I/O errors. */
final class Joined {

    private Joined() {
    }

    /** Waits for {@code f}; an interrupt keeps the thread's flag and becomes an {@link IOException}. */
    static <T> T get(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }
}
