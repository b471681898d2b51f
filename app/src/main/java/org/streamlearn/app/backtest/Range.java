package org.streamlearn.app.backtest;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a topic a backtest replays, {@code [from, to)}: each end a timestamp or per-partition offsets.
 * A timestamp becomes, per partition, the first offset whose record timestamp is at or after it (the broker's
 * time index, {@code offsetsForTimes}); so {@code --from T} starts at the first record at or after T and
 * {@code --to T} stops before the first record at or after T. Offsets {@code 0:100,1:250} name the partitions
 * they bound; the others keep their beginning (from) or end (to).
 *
 * @param from where to start (null: each partition's beginning)
 * @param to   where to stop, exclusive (null: each partition's end when the backtest starts)
 */
public record Range(Bound from, Bound to) {

    /** Everything: from the beginning to the end. */
    public static final Range ALL = new Range(null, null);

    /** One end of a range. */
    public sealed interface Bound permits Time, Offsets {
    }

    /** A record timestamp, epoch ms. */
    public record Time(long epochMs) implements Bound {
    }

    /** Offsets by partition. */
    public record Offsets(Map<Integer, Long> byPartition) implements Bound {
    }

    private static final Pattern OFFSETS = Pattern.compile("\\d+:\\d+(,\\d+:\\d+)*");
    private static final Pattern RELATIVE = Pattern.compile("-(\\d+)([smhdw])");

    /**
     * Parses one end: ISO-8601 ({@code 2026-11-23T08:00:00Z}, {@code 2026-11-23T08:00+01:00}, a date
     * {@code 2026-11-23} meaning its start in UTC), epoch ms ({@code 1795000000000}), a duration before
     * {@code nowMs} ({@code -7d}, {@code -12h}, {@code -30m}, {@code -90s}, {@code -2w}, or ISO {@code P7D},
     * {@code PT12H}, with or without a leading minus: it always reaches back), or offsets {@code 0:100,1:250}.
     *
     * @throws IllegalArgumentException naming {@code option} and what it accepts
     */
    public static Bound parse(String option, String text, long nowMs) {
        String t = text.strip();
        if (OFFSETS.matcher(t).matches()) {
            Map<Integer, Long> m = new LinkedHashMap<>();
            for (String part : t.split(",")) {
                String[] pv = part.split(":");
                if (m.put(Integer.parseInt(pv[0]), Long.parseLong(pv[1])) != null) {
                    throw new IllegalArgumentException(option + ": partition " + pv[0] + " given twice in '" + t + "'");
                }
            }
            return new Offsets(m);
        }
        if (t.matches("\\d{1,18}")) {
            return new Time(Long.parseLong(t));
        }
        Matcher rel = RELATIVE.matcher(t.toLowerCase(Locale.ROOT));
        if (rel.matches()) {
            long n = Long.parseLong(rel.group(1));
            Duration unit = switch (rel.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                case "d" -> Duration.ofDays(1);
                default -> Duration.ofDays(7);
            };
            return new Time(nowMs - unit.multipliedBy(n).toMillis());
        }
        try {
            if (t.startsWith("P") || t.startsWith("-P")) {
                return new Time(nowMs - Duration.parse(t.startsWith("-") ? t.substring(1) : t).abs().toMillis());
            }
            if (t.length() == 10) {
                return new Time(LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
            }
            if (t.endsWith("Z")) {
                return new Time(Instant.parse(t).toEpochMilli());
            }
            return new Time(OffsetDateTime.parse(t).toInstant().toEpochMilli());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException(option + ": '" + t + "' is neither a timestamp (ISO-8601 such as "
                    + "2026-11-23T08:00:00Z, or epoch ms), a duration before now (-7d, -12h, P7D) nor partition "
                    + "offsets (0:100,1:250)");
        }
    }

    /** The range's start in a partition whose records run from {@code begin} to {@code end}. */
    long start(int partition, long begin, long end, Long offsetForTime) {
        return clamp(from, partition, begin, begin, end, offsetForTime);
    }

    /** The range's end (exclusive) in a partition whose records run from {@code begin} to {@code end}. */
    long stop(int partition, long begin, long end, Long offsetForTime) {
        return clamp(to, partition, end, begin, end, offsetForTime);
    }

    private static long clamp(Bound b, int partition, long dflt, long begin, long end, Long offsetForTime) {
        long o;
        if (b == null) {
            o = dflt;
        } else if (b instanceof Offsets off) {
            o = off.byPartition().getOrDefault(partition, dflt);
        } else {
            o = offsetForTime == null ? end : offsetForTime;
        }
        return Math.max(begin, Math.min(end, o));
    }
}
