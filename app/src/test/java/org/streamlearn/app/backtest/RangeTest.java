package org.streamlearn.app.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The forms of {@code --from} and {@code --to}. */
class RangeTest {

    private static final long NOW = 1_795_000_000_000L;

    @Test
    void timestampsDurationsAndOffsets() {
        assertThat(Range.parse("--from", "2026-11-23T08:00:00Z", NOW)).isEqualTo(new Range.Time(1795420800000L));
        assertThat(Range.parse("--from", "2026-11-23T09:00:00+01:00", NOW)).isEqualTo(new Range.Time(1795420800000L));
        assertThat(Range.parse("--from", "2026-11-23", NOW)).isEqualTo(new Range.Time(1795392000000L));
        assertThat(Range.parse("--from", "1795000000000", NOW)).isEqualTo(new Range.Time(1795000000000L));
        assertThat(Range.parse("--from", "-7d", NOW)).isEqualTo(new Range.Time(NOW - 7 * 86_400_000L));
        assertThat(Range.parse("--from", "P7D", NOW)).isEqualTo(new Range.Time(NOW - 7 * 86_400_000L));
        assertThat(Range.parse("--from", "-PT12H", NOW)).isEqualTo(new Range.Time(NOW - 12 * 3_600_000L));
        assertThat(Range.parse("--from", "-90s", NOW)).isEqualTo(new Range.Time(NOW - 90_000L));
        assertThat(Range.parse("--to", "0:100,1:250", NOW)).isEqualTo(new Range.Offsets(Map.of(0, 100L, 1, 250L)));
    }

    @Test
    void boundsClampToThePartition() {
        Range r = new Range(new Range.Offsets(Map.of(0, 5L)), new Range.Time(0));
        assertThat(r.start(0, 10, 50, null)).isEqualTo(10);
        assertThat(r.start(1, 10, 50, null)).isEqualTo(10);
        assertThat(r.stop(0, 10, 50, null)).isEqualTo(50);
        assertThat(r.stop(0, 10, 50, 30L)).isEqualTo(30);
    }

    @Test
    void badFormsSayWhatIsAccepted() {
        assertThatThrownBy(() -> Range.parse("--to", "yesterday", NOW)).hasMessageContaining("--to: 'yesterday'")
                .hasMessageContaining("0:100,1:250");
        assertThatThrownBy(() -> Range.parse("--to", "0:1,0:2", NOW)).hasMessageContaining("partition 0 given twice");
    }
}
