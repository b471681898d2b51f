package org.streamlearn.core.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Contract of {@link RollingLoss}: the running mean of every value, the EWMA {@code e = α·x + (1 − α)·e} starting
 * at the first value, and the mean of the latest {@code window} values after the ring wraps around (summed
 * afresh, so an old huge value leaves no trace); empty means NaN; copies are deep and equality is exact.
 */
class RollingLossTest {

    @Test
    void windowMeanAfterWrapAround() {
        RollingLoss r = new RollingLoss(3, 0.5);
        r.add(1);
        r.add(2);
        assertThat(r.windowMean()).isEqualTo(1.5); // partially filled: mean of what is there
        r.add(3);
        r.add(4);
        r.add(5);
        assertThat(r.windowMean()).isEqualTo(4.0); // 3, 4, 5
        assertThat(r.mean()).isEqualTo(3.0);
        assertThat(r.count()).isEqualTo(5);
        assertThat(r.sum()).isEqualTo(15.0);
        assertThat(r.filled()).isEqualTo(3);
        r.add(10);
        assertThat(r.windowMean()).isEqualTo(19.0 / 3); // 4, 5, 10
    }

    @Test
    void windowForgetsAnOldHugeValueExactly() {
        RollingLoss r = new RollingLoss(3, 0.1);
        r.add(1e17);
        r.add(1);
        r.add(1);
        r.add(1);
        assertThat(r.windowMean()).isEqualTo(1.0);
    }

    @Test
    void ewmaStartsAtTheFirstValue() {
        RollingLoss r = new RollingLoss(10, 0.01);
        r.add(7.0);
        assertThat(r.ewma()).isEqualTo(7.0);
        RollingLoss h = new RollingLoss(10, 0.5);
        for (double v : new double[] {1, 2, 3, 4, 5}) {
            h.add(v);
        }
        // 1 → 1.5 → 2.25 → 3.125 → 4.0625
        assertThat(h.ewma()).isEqualTo(4.0625);
        RollingLoss one = new RollingLoss(1, 1.0);
        one.add(3);
        one.add(8);
        assertThat(one.ewma()).isEqualTo(8.0);
        assertThat(one.windowMean()).isEqualTo(8.0);
    }

    @Test
    void emptyIsNaN() {
        RollingLoss r = new RollingLoss(5, 0.1);
        assertThat(r.mean()).isNaN();
        assertThat(r.ewma()).isNaN();
        assertThat(r.windowMean()).isNaN();
        assertThat(r.count()).isZero();
    }

    @Test
    void copyIsDeepAndEqualsIsExact() {
        RollingLoss r = new RollingLoss(4, 0.2);
        for (int i = 0; i < 6; i++) {
            r.add(i * 0.5);
        }
        RollingLoss c = r.copy();
        assertThat(c).isEqualTo(r);
        assertThat(c.window()).isNotSameAs(r.window());
        c.add(1.0);
        assertThat(c).isNotEqualTo(r);
        assertThat(r.count()).isEqualTo(6);
        r.add(1.0);
        assertThat(c).isEqualTo(r);
        assertThat(new RollingLoss(4, 0.2)).isNotEqualTo(new RollingLoss(4, 0.3));
    }

    @Test
    void restoredFromItsPartsContinuesIdentically() {
        RollingLoss r = new RollingLoss(3, 0.3);
        for (int i = 0; i < 5; i++) {
            r.add(i * i);
        }
        RollingLoss s = new RollingLoss(r.alpha(), r.count(), r.sum(), r.ewmaRaw(), r.window().clone(), r.position(),
                r.filled());
        assertThat(s).isEqualTo(r);
        r.add(2.5);
        s.add(2.5);
        assertThat(s).isEqualTo(r);
        assertThat(s.windowMean()).isEqualTo(r.windowMean());
        assertThat(s.ewma()).isEqualTo(r.ewma());
    }

    @Test
    void invalidParametersNameTheirField() {
        assertThatThrownBy(() -> new RollingLoss(0, 0.1)).hasMessageContaining("metrics.window");
        assertThatThrownBy(() -> new RollingLoss(3, 0.0)).hasMessageContaining("metrics.ewmaAlpha");
        assertThatThrownBy(() -> new RollingLoss(3, 1.5)).hasMessageContaining("metrics.ewmaAlpha");
        assertThatThrownBy(() -> new RollingLoss(0.1, 0, 0, 0, new double[3], 3, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWindowMeanIsTheMeanOfTheLatestValuesOldestFirst() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int size : new int[] {1, 2, 7, 8, 9, 100, 1000}) {
            RollingLoss r = new RollingLoss(size, 0.1);
            ArrayDeque<Double> latest = new ArrayDeque<>();
            for (int i = 0; i < 3 * size + 5; i++) {
                double v = rnd.nextDouble() * 10;
                r.add(v);
                latest.addLast(v);
                if (latest.size() > size) {
                    latest.removeFirst();
                }
                double s = 0.0;
                for (double x : latest) {
                    s += x;
                }
                assertThat(r.windowMean()).as("size %d after %d values", size, i + 1).isEqualTo(s / latest.size());
            }
        }
    }
}
