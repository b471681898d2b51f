package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link LabelDelays} against exact nearest-rank quantiles, within its stated relative error. */
class LabelDelaysTest {

    private static final double[] QS = {0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1};

    static Stream<Arguments> streams() {
        SplittableRandom r = new SplittableRandom(42);
        return Stream.of(
                Arguments.of("uniform 0..10 s", (LongSupplier) () -> r.nextLong(10_001)),
                Arguments.of("small integers 0..30", (LongSupplier) () -> r.nextLong(31)),
                Arguments.of("log-uniform 1 ms..30 days", (LongSupplier) () ->
                        (long) Math.exp(r.nextDouble() * Math.log(30L * 24 * 3600 * 1000))),
                Arguments.of("exponential, mean 2 s, a fifth zero", (LongSupplier) () ->
                        r.nextInt(5) == 0 ? 0 : (long) (-2000 * Math.log(1 - r.nextDouble()))),
                Arguments.of("constant 1234", (LongSupplier) () -> 1234));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void quantilesAreWithinTheRelativeErrorOfTheExactOnes(String name, LongSupplier delays) {
        for (int n : new int[] {1, 2, 7, 100, 20_000}) {
            long[] values = new long[n];
            LabelDelays h = new LabelDelays();
            for (int i = 0; i < n; i++) {
                values[i] = delays.getAsLong();
                h.add(values[i]);
            }
            Arrays.sort(values);
            assertThat(h.count()).isEqualTo(n);
            for (double q : QS) {
                long exact = values[(int) Math.max(1, (long) Math.ceil(q * n)) - 1];
                assertThat(h.quantile(q)).as("%s, n=%d, q=%s", name, n, q)
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(exact * LabelDelays.RELATIVE_ERROR
                                + 1e-9));
            }
            LabelDelays back = LabelDelays.decode(h.encode());
            for (double q : QS) {
                assertThat(back.quantile(q)).isEqualTo(h.quantile(q));
            }
            assertThat(back.count()).isEqualTo(n);
        }
    }

    @Test
    void theErrorBoundIsAboutOnePercentAndTight() {
        assertThat(LabelDelays.RELATIVE_ERROR).isCloseTo(0.0099, org.assertj.core.data.Offset.offset(0.0001));
        // the bound is reached at a bucket's upper edge: the largest integer d ≤ γ^i, for i large
        int b = LabelDelays.bucket(1_000_000);
        double upper = Math.pow(LabelDelays.GAMMA, b - 1);
        assertThat(Math.abs(LabelDelays.value(b) - 1_000_000) / 1_000_000).isLessThanOrEqualTo(
                LabelDelays.RELATIVE_ERROR);
        assertThat(Math.abs(LabelDelays.value(b) - upper) / upper).isCloseTo(LabelDelays.RELATIVE_ERROR,
                org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void bucketsAreBoundedAndEveryDelayLiesInItsBucket() {
        assertThat(LabelDelays.bucket(0)).isZero();
        assertThat(LabelDelays.bucket(-5)).isZero();
        assertThat(LabelDelays.bucket(1)).isEqualTo(1);
        assertThat(LabelDelays.bucket(Long.MAX_VALUE)).isEqualTo(LabelDelays.MAX_BUCKETS - 1);
        for (long d = 1; d < 200_000; d += 1 + d / 50) {
            int i = LabelDelays.bucket(d) - 1;
            assertThat(StrictMath.pow(LabelDelays.GAMMA, i)).as("d=%d", d).isGreaterThanOrEqualTo(d);
            if (i > 0) {
                assertThat(StrictMath.pow(LabelDelays.GAMMA, i - 1)).as("d=%d", d).isLessThan(d);
            }
        }
        LabelDelays h = new LabelDelays();
        for (long d = 0; d < 5_000_000; d = d * 3 / 2 + 1) {
            h.add(d);
            h.add(d);
        }
        h.add(Long.MAX_VALUE);
        assertThat(h.buckets()).isLessThanOrEqualTo(LabelDelays.MAX_BUCKETS);
        assertThat(h.quantile(1)).isCloseTo(Long.MAX_VALUE, org.assertj.core.data.Offset.offset(
                Long.MAX_VALUE * LabelDelays.RELATIVE_ERROR));
        assertThat(h.encode().length).as("sparse: a few bytes per non-empty bucket").isLessThan(h.buckets() * 5);
    }

    @Test
    void emptyAndBadArguments() {
        LabelDelays h = LabelDelays.decode(null);
        assertThat(h.count()).isZero();
        assertThat(h.quantile(0.5)).isNaN();
        assertThatThrownBy(() -> h.quantile(1.5)).hasMessageContaining("q: expected 0 ≤ q ≤ 1");
        h.add(0);
        assertThat(h.quantile(0.99)).isZero();
    }
}
