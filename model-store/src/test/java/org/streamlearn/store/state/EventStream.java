package org.streamlearn.store.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.streamlearn.core.model.OnlineLearner;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;

/**
 * The deterministic event streams the codec tests feed: {@code x_j = N(0, 1)·(j + 1) + j} from a seeded
 * {@link Random}, a signal {@code s} summed term by term while {@code x} is drawn, and a label from {@code s}
 * (regression {@code s + 0.1·N(0, 1)}, multiclass {@code ⌊s⌋ mod classes}, binary as the stream says).
 */
enum EventStream {

    /** {@code s = Σ ±x_j}; binary {@code s + N(0, 1) > 1}. */
    LINEAR {
        @Override
        double term(double[] x, int j) {
            return (j % 2 == 0 ? 1 : -1) * x[j];
        }

        @Override
        double binary(double s, Random r) {
            return s + r.nextGaussian() > 1 ? 1 : 0;
        }
    },

    /** {@code s = Σ ±0.1·x_j·x_(j+1 mod d)} with the {@code x} drawn so far; binary {@code s > 0}. */
    PRODUCTS {
        @Override
        double term(double[] x, int j) {
            return (j % 2 == 0 ? 1 : -1) * x[j] * x[(j + 1) % x.length] * 0.1;
        }

        @Override
        double binary(double s, Random r) {
            return s > 0 ? 1 : 0;
        }
    };

    abstract double term(double[] x, int j);

    abstract double binary(double s, Random r);

    /** A named spec argument for a {@code @MethodSource}. */
    static Arguments spec(String name, String json) {
        return Arguments.of(Named.of(name, ModelSpecs.parse(json)));
    }

    /** Feeds events {@code [0, events)} of the stream of {@code seed} to {@code m}. */
    void feed(ModelState m, long seed, int events) {
        feed(m, seed, 0, events);
    }

    /** Feeds events {@code [from, to)} of the stream of {@code seed} to {@code m} (the earlier ones are drawn). */
    void feed(ModelState m, long seed, int from, int to) {
        Random r = new Random(seed);
        OnlineLearner l = m.learner();
        int d = l.config().features();
        for (int i = 0; i < to; i++) {
            double[] x = new double[d];
            double s = 0;
            for (int j = 0; j < d; j++) {
                x[j] = r.nextGaussian() * (j + 1) + j;
                s += term(x, j);
            }
            double y = switch (l.config().task()) {
                case REGRESSION -> s + r.nextGaussian() * 0.1;
                case BINARY -> binary(s, r);
                case MULTICLASS -> Math.floorMod((int) Math.floor(s), l.config().classes());
            };
            if (i >= from) {
                learn(m, x, y, i);
            }
        }
    }

    /**
     * A model of {@code spec} fed events {@code [0, stop)}, written through the binary and then the JSON codec,
     * read back, and fed events {@code [stop, total)} of the same stream.
     */
    ModelState restoredAt(ModelSpec spec, long seed, int stop, int total) {
        ModelState first = ModelState.create("m", spec, 0);
        feed(first, seed, stop);
        ModelState restored = JsonStateCodec.parse(JsonStateCodec.toJsonString(
                BinaryStateCodec.decode(BinaryStateCodec.encode(first))));
        feed(restored, seed, stop, total);
        return restored;
    }

    /** Learns one event as the service does: the version grows, the open batch's start time is kept. */
    static void learn(ModelState m, double[] x, double y, int i) {
        OnlineLearner l = m.learner();
        l.learn(x, y);
        m.touch(1_700_000_000_000L + i);
        if (l.state().batchCount() == 1) {
            m.setBatchStartedAtMs(1_700_000_000_000L + i);
        } else if (l.state().batchCount() == 0) {
            m.setBatchStartedAtMs(0);
        }
    }

    /**
     * Asserts that {@code m} comes back equal through the JSON and the binary codec (self-contained, and with its
     * spec apart then joined), and that the copies write the same JSON and binary; returns the JSON copy.
     */
    static ModelState assertRoundTrips(ModelState m, String what) {
        ModelState viaJson = JsonStateCodec.parse(JsonStateCodec.toJsonString(m));
        ModelState viaBinary = BinaryStateCodec.decode(BinaryStateCodec.encode(m));
        ModelState viaApart = BinaryStateCodec.decode(SpecApart.join(SpecApart.encode(m), m.specJsonBytes()));
        assertThat(viaJson).as("json %s", what).isEqualTo(m);
        assertThat(viaBinary).as("binary %s", what).isEqualTo(m);
        assertThat(viaApart).as("binary, spec apart, %s", what).isEqualTo(m);
        assertThat(BinaryStateCodec.encode(viaApart)).as("%s", what).isEqualTo(BinaryStateCodec.encode(m));
        assertThat(JsonStateCodec.toJson(viaBinary)).isEqualTo(JsonStateCodec.toJson(m));
        return viaJson;
    }
}
