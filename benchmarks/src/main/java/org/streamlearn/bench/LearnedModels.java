package org.streamlearn.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.ExampleEncoder;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.state.ModelState;

/** Models of a d = 20 regression spec that learned from generated events, every candidate alike: benchmark data. */
final class LearnedModels {

    private LearnedModels() {
    }

    /**
     * {@code models} models {@code model-0}, {@code model-1}, … of {@code spec} (20 features), each of whose
     * candidates learned the same {@code events} events (Gaussian features, a linear label), from {@code seed}.
     */
    static ModelState[] of(ModelSpec spec, int models, int events, long seed) {
        ExampleEncoder encoder = new ExampleEncoder(spec);
        SplittableRandom r = new SplittableRandom(seed);
        ModelState[] out = new ModelState[models];
        for (int m = 0; m < models; m++) {
            ModelState s = ModelState.create("model-" + m, spec, 0);
            for (int e = 0; e < events; e++) {
                StringBuilder b = new StringBuilder("{\"features\":[");
                double y = 0;
                for (int j = 0; j < 20; j++) {
                    double x = r.nextGaussian();
                    y += x * (j % 3 - 1);
                    b.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", x));
                }
                ParsedEvent ev = EventParser.parseTraining(b.append("],\"label\":").append(y).append('}').toString()
                        .getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < s.candidateCount(); i++) {
                    encoder.learn(s.candidate(i), ev);
                }
            }
            out[m] = s;
        }
        return out;
    }
}
