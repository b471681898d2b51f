package org.streamlearn.app.streams;

import java.util.ArrayList;
import java.util.List;
import org.streamlearn.store.state.ModelState;

/** {@link ModelLifecycle}'s batch timer: applies the open mini-batches whose {@code maxDelayMs} has run out. */
final class BatchTimer {

    private BatchTimer() {
    }

    /**
     * Applies every open mini-batch of {@code models} whose {@code maxDelayMs} has run out by {@code now},
     * publishing through {@code publish} a model whose step count reaches its {@code publishEvery}.
     */
    static void flushDue(LiveModels models, Publishing publish, long now) {
        List<String> done = new ArrayList<>();
        for (String id : models.openBatches()) {
            LiveModel m = models.model(id);
            if (m == null || m.state().batchStartedAtMs() == 0) {
                done.add(id);
                continue;
            }
            ModelState s = m.state();
            long maxDelay = s.spec().update().maxDelayMs();
            if (maxDelay > 0 && now - s.batchStartedAtMs() >= maxDelay) {
                s.learner().flushOnTimer();
                s.setBatchStartedAtMs(0);
                s.touch(now);
                models.markDirty(m);
                done.add(id);
                if (s.learned().steps() % s.spec().publishEvery() == 0) {
                    publish.snapshot(s, now);
                }
            }
        }
        models.openBatches().removeAll(done);
    }
}
