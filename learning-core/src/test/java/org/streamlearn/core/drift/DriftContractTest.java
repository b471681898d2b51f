package org.streamlearn.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract of every drift detector (STYLE.md "Tests"): a state saved mid-stream (anywhere, including right at a
 * detection) and restored continues bit-identically; the same input gives the same detections; a reset
 * detector equals a fresh one; after a detection the detector behaves as a fresh one; states are snapshots that
 * later updates never change; non-finite values are refused without a change; bad parameters are refused with
 * the parameter's name; and the per-value path does not allocate.
 */
class DriftContractTest {

    private static final int N = 20_000;

    static Stream<DriftConfig> configs() {
        return Stream.of(PageHinkley.defaults(), new PageHinkley(10, 0.01, 5.0, 0.99), Adwin.defaults(),
                new Adwin(0.05, 1, 2, 0), new Adwin(0.1, 5, 1, 3));
    }

    @Test
    void everyDetectorIsCovered() {
        assertThat(configs().map(DriftConfig::name)).contains("page_hinkley", "adwin");
        assertThat(DriftConfig.class.getPermittedSubclasses()).hasSize(2);
        assertThat(DriftDetector.class.getPermittedSubclasses()).hasSize(2);
    }

    private static boolean[] run(DriftDetector d, double[] x, int from, int to) {
        boolean[] out = new boolean[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = d.update(x[i]);
        }
        return out;
    }

    private static int firstDetection(boolean[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i]) {
                return i;
            }
        }
        return -1;
    }

    @ParameterizedTest
    @MethodSource("configs")
    void aStateRestoredMidStreamContinuesBitIdentically(DriftConfig c) {
        double[] x = DriftStreams.regimes(11, N);
        DriftDetector whole = c.newDetector();
        boolean[] expected = run(whole, x, 0, N);
        int first = firstDetection(expected);
        assertThat(first).as("the stream must contain detections").isPositive();
        int count = 0;
        for (boolean b : expected) {
            count += b ? 1 : 0;
        }
        assertThat(count).isGreaterThanOrEqualTo(3);
        for (int cut : new int[] {0, 1, 7, 777, first, first + 1, 12_345, N - 1}) {
            DriftDetector before = c.newDetector();
            boolean[] head = run(before, x, 0, cut);
            DriftState saved = before.state();
            DriftDetector restored = c.restore(saved);
            assertThat(restored.state()).as("cut %d: the round trip", cut).isEqualTo(saved);
            assertThat(restored.seen()).isEqualTo(before.seen());
            assertThat(restored.detections()).isEqualTo(before.detections());
            assertThat(Double.doubleToLongBits(restored.meanBefore()))
                    .isEqualTo(Double.doubleToLongBits(before.meanBefore()));
            boolean[] tail = run(restored, x, cut, N);
            boolean[] joined = java.util.Arrays.copyOf(head, N);
            System.arraycopy(tail, 0, joined, cut, N - cut);
            assertThat(java.util.Arrays.equals(joined, expected)).as("cut %d: the same detections", cut).isTrue();
            assertThat(restored.state()).as("cut %d: the final state", cut).isEqualTo(whole.state());
            assertThat(Double.doubleToLongBits(restored.meanAfter()))
                    .isEqualTo(Double.doubleToLongBits(whole.meanAfter()));
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void theSameInputGivesTheSameDetections(DriftConfig c) {
        double[] x = DriftStreams.regimes(12, N);
        DriftDetector a = c.newDetector();
        DriftDetector b = c.newDetector();
        assertThat(run(a, x, 0, N)).containsExactly(run(b, x, 0, N));
        assertThat(a.state()).isEqualTo(b.state());
        assertThat(a.seen()).isEqualTo(N);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void aResetDetectorEqualsAFreshOne(DriftConfig c) {
        double[] x = DriftStreams.regimes(13, N);
        DriftDetector d = c.newDetector();
        run(d, x, 0, N / 2);
        assertThat(d.detections()).isPositive();
        d.reset();
        DriftDetector fresh = c.newDetector();
        assertThat(d.state()).isEqualTo(fresh.state());
        assertThat(d.state()).isEqualTo(c instanceof Adwin ? AdwinState.fresh() : PageHinkleyState.fresh());
        assertThat(d.seen()).isZero();
        assertThat(d.detections()).isZero();
        assertThat(d.meanBefore()).isNaN();
        assertThat(d.meanAfter()).isNaN();
        assertThat(run(d, x, N / 2, N)).containsExactly(run(fresh, x, N / 2, N));
        assertThat(d.state()).isEqualTo(fresh.state());
    }

    /** DESIGN.md: "After a detection the detector starts afresh with the next value". */
    @ParameterizedTest
    @MethodSource("configs")
    void afterEachDetectionItBehavesAsAFreshDetector(DriftConfig c) {
        double[] x = DriftStreams.regimes(14, N);
        DriftDetector d = c.newDetector();
        boolean[] all = run(d, x, 0, N);
        int checked = 0;
        for (int at = 0; at < N - 1 && checked < 3; at++) {
            if (all[at]) {
                checked++;
                assertThat(run(c.newDetector(), x, at + 1, N)).as("after the detection at %d", at)
                        .containsExactly(java.util.Arrays.copyOfRange(all, at + 1, N));
            }
        }
        assertThat(checked).isEqualTo(3);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void aStateIsASnapshotAndRestoreNeverMutatesIt(DriftConfig c) {
        double[] x = DriftStreams.regimes(15, N);
        DriftDetector d = c.newDetector();
        run(d, x, 0, 5000);
        DriftState s = d.state();
        DriftState copy = s.copy();
        assertThat(copy).isEqualTo(s).hasSameHashCodeAs(s);
        run(d, x, 5000, 10_000);
        assertThat(s).as("later updates do not change a snapshot").isEqualTo(copy);
        DriftDetector restored = c.restore(s);
        run(restored, x, 5000, 10_000);
        assertThat(s).as("the restored detector does not share the snapshot").isEqualTo(copy);
        assertThat(restored.state()).isEqualTo(d.state());
        double[] before = x.clone();
        run(c.newDetector(), x, 0, N);
        assertThat(x).as("the input is read only").containsExactly(before);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void nonFiniteValuesAreRefusedWithoutAChange(DriftConfig c) {
        DriftDetector d = c.newDetector();
        run(d, DriftStreams.regimes(16, 1000), 0, 1000);
        DriftState s = d.state();
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> d.update(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("finite");
        }
        assertThat(d.state()).isEqualTo(s);
    }

    @Test
    void aDetectorRestoresOnlyItsOwnState() {
        assertThatThrownBy(() -> PageHinkley.defaults().restore(AdwinState.fresh()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("drift.state");
        assertThatThrownBy(() -> Adwin.defaults().restore(PageHinkleyState.fresh()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("drift.state");
        assertThatThrownBy(() -> Adwin.defaults().restore(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("drift.state");
        // a histogram of another configuration: rows of 5 do not fit maxBuckets 2
        AdwinDetector d = Adwin.defaults().newDetector();
        for (int i = 0; i < 5; i++) {
            d.update(i);
        }
        assertThatThrownBy(() -> new Adwin(0.002, 32, 2, 10).restore(d.state()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("drift.state.bucketsPerRow[0]");
    }

    @Test
    void inconsistentSavedStatesAreRefused() {
        assertThatThrownBy(() -> new PageHinkleyState(0, 0, 0, 0, 0)).hasMessageStartingWith("drift.state.n");
        assertThatThrownBy(() -> new PageHinkleyState(3, 0, 5, 0, 0)).hasMessageStartingWith("drift.state");
        assertThatThrownBy(() -> new PageHinkleyState(9, 0, 5, 0, -1)).hasMessageStartingWith("drift.state.sum");
        assertThatThrownBy(() -> new AdwinState(9, 0, 9, 3, 0, 0, new int[] {1, 1}, new double[2], new double[1], 0,
                0)).hasMessageStartingWith("drift.state");
        assertThatThrownBy(() -> new AdwinState(9, 0, 9, 4, 0, 0, new int[] {1, 1}, new double[2], new double[2], 0,
                0)).hasMessageStartingWith("drift.state.width");
        assertThatThrownBy(() -> new AdwinState(9, 0, 9, 1, 0, 0, new int[] {1, 0}, new double[1], new double[1], 0,
                0)).hasMessageStartingWith("drift.state.bucketsPerRow");
        assertThatThrownBy(() -> new AdwinState(9, 0, 2, 3, 0, 0, new int[] {1, 1}, new double[2], new double[2], 0,
                0)).hasMessageStartingWith("drift.state.tick");
    }

    static Stream<Arguments> badParameters() {
        List<Object[]> bad = List.of(
                new Object[] {"drift.minInstances", (Supplier<?>) () -> new PageHinkley(0, 0.005, 50, 0.5)},
                new Object[] {"drift.delta", (Supplier<?>) () -> new PageHinkley(30, -0.1, 50, 0.5)},
                new Object[] {"drift.delta", (Supplier<?>) () -> new PageHinkley(30, Double.NaN, 50, 0.5)},
                new Object[] {"drift.threshold", (Supplier<?>) () -> new PageHinkley(30, 0.005, 0, 0.5)},
                new Object[] {"drift.threshold",
                    (Supplier<?>) () -> new PageHinkley(30, 0.005, Double.POSITIVE_INFINITY, 0.5)},
                new Object[] {"drift.alpha", (Supplier<?>) () -> new PageHinkley(30, 0.005, 50, 0)},
                new Object[] {"drift.alpha", (Supplier<?>) () -> new PageHinkley(30, 0.005, 50, 1.5)},
                new Object[] {"drift.delta", (Supplier<?>) () -> new Adwin(0, 32, 5, 10)},
                new Object[] {"drift.delta", (Supplier<?>) () -> new Adwin(1.5, 32, 5, 10)},
                new Object[] {"drift.delta", (Supplier<?>) () -> new Adwin(Double.NaN, 32, 5, 10)},
                new Object[] {"drift.clock", (Supplier<?>) () -> new Adwin(0.002, 0, 5, 10)},
                new Object[] {"drift.maxBuckets", (Supplier<?>) () -> new Adwin(0.002, 32, 0, 10)},
                new Object[] {"drift.gracePeriod", (Supplier<?>) () -> new Adwin(0.002, 32, 5, -1)});
        return bad.stream().map(o -> Arguments.of(o[0], Named.of(String.valueOf(o[0]), o[1])));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badParameters")
    void badParametersAreRefusedWithTheParametersName(String name, Supplier<?> make) {
        assertThatThrownBy(make::get).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(name + ":");
    }

    @Test
    void theDefaultsAreDesignMds() {
        assertThat(PageHinkley.defaults()).isEqualTo(new PageHinkley(30, 0.005, 50.0, 1 - 1e-4));
        assertThat(Adwin.defaults()).isEqualTo(new Adwin(0.002, 32, 5, 10));
    }

    /**
     * Page-Hinkley allocates nothing per value; ADWIN allocates only when its window needs more rows than its
     * arrays hold: 32 rows are allocated up front, enough for more than {@code maxBuckets·(2^32 − 1)} values
     * (400 000 values need at most 17). Measured over 200 000 updates after a warm-up of as many.
     */
    @ParameterizedTest
    @MethodSource("configs")
    void theSteadyStateAllocatesNothingPerValue(DriftConfig c) {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        double[] x = DriftStreams.bernoulli(17, 400_000, 0.2);
        DriftDetector d = c.newDetector();
        run(d, x, 0, 200_000);
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        int detections = 0;
        for (int i = 200_000; i < 400_000; i++) {
            detections += d.update(x[i]) ? 1 : 0;
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(allocated).as("bytes allocated by 200 000 updates (%d detections)", detections)
                .isLessThan(1024);
    }
}
