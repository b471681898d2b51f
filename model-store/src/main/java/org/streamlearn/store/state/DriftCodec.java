package org.streamlearn.store.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import org.streamlearn.core.drift.Adwin;
import org.streamlearn.core.drift.AdwinState;
import org.streamlearn.core.drift.DriftConfig;
import org.streamlearn.core.drift.DriftDetector;
import org.streamlearn.core.drift.DriftState;
import org.streamlearn.core.drift.PageHinkleyState;

/**
 * The drift detector's section of a snapshot, in both codecs; present only when the spec configures drift
 * detection, so snapshots of models without it (and the golden files of schema 1) are unchanged.
 *
 * <p>JSON, after {@code lastStep}: {@code "drift": {"detector": "page_hinkley", "seen", "detections", "n",
 * "mean", "sum"}} or {@code "drift": {"detector": "adwin", "seen", "detections", "tick", "width", "total",
 * "variance", "bucketsPerRow": [..], "bucketTotals": [..], "bucketVariances": [..], "meanBefore",
 * "meanAfter"}} (ADWIN's histogram: row 0 first, oldest bucket first within a row).
 *
 * <p>Binary, appended after the last field of schema 1: a tag byte (1 Page-Hinkley, 2 ADWIN), then the same
 * fields in the same order as raw longs, doubles and (for {@code bucketsPerRow}) a count and ints. A snapshot
 * whose spec has drift detection but no section (written before drift was configured) restores a fresh
 * detector; a section without drift in the spec is an error.
 */
final class DriftCodec {

    private static final byte PAGE_HINKLEY = 1;
    private static final byte ADWIN = 2;
    /** Rows a saved ADWIN histogram may have ({@link AdwinState}'s own limit). */
    private static final int MAX_ROWS = 62;

    private DriftCodec() {
    }

    // --- JSON

    static void write(ObjectNode o, DriftDetector d) {
        ObjectNode n = o.putObject("drift");
        n.put("detector", d.config().name());
        DriftState s = d.state();
        n.put("seen", s.seen());
        n.put("detections", s.detections());
        if (s instanceof PageHinkleyState ph) {
            n.put("n", ph.n());
            n.put("mean", finite("drift.mean", ph.mean()));
            n.put("sum", finite("drift.sum", ph.sum()));
        } else if (s instanceof AdwinState a) {
            n.put("tick", a.tick());
            n.put("width", a.width());
            n.put("total", finite("drift.total", a.total()));
            n.put("variance", finite("drift.variance", a.variance()));
            ArrayNode rows = n.putArray("bucketsPerRow");
            for (int c : a.bucketsPerRow()) {
                rows.add(c);
            }
            doubles(n.putArray("bucketTotals"), "drift.bucketTotals", a.bucketTotals());
            doubles(n.putArray("bucketVariances"), "drift.bucketVariances", a.bucketVariances());
            n.put("meanBefore", finite("drift.meanBefore", a.meanBefore()));
            n.put("meanAfter", finite("drift.meanAfter", a.meanAfter()));
        }
    }

    /** The detector of {@code config} restored from the {@code drift} field (absent: a fresh detector). */
    static DriftDetector read(JsonNode n, DriftConfig config) {
        if (config == null) {
            if (n != null) {
                throw new StateFormatException("drift", "present, but the spec has no drift detection");
            }
            return null;
        }
        if (n == null || n.isNull()) {
            return config.newDetector();
        }
        if (!n.isObject()) {
            throw new StateFormatException("drift", "must be an object");
        }
        String detector = n.path("detector").asText();
        if (!detector.equals(config.name())) {
            throw new StateFormatException("drift.detector", "'" + detector + "' differs from the spec's '"
                    + config.name() + "'");
        }
        DriftState s;
        try {
            if (config instanceof Adwin) {
                JsonNode rows = field(n, "bucketsPerRow");
                if (!rows.isArray() || rows.size() > MAX_ROWS) {
                    throw new StateFormatException("drift.bucketsPerRow", "expected an array of at most " + MAX_ROWS
                            + " counts");
                }
                int[] perRow = new int[rows.size()];
                for (int r = 0; r < perRow.length; r++) {
                    perRow[r] = (int) wholeAt(rows.get(r), "drift.bucketsPerRow[" + r + "]");
                }
                s = new AdwinState(whole(n, "seen"), whole(n, "detections"), whole(n, "tick"), whole(n, "width"),
                        number(n, "total"), number(n, "variance"), perRow, numbers(n, "bucketTotals"),
                        numbers(n, "bucketVariances"), number(n, "meanBefore"), number(n, "meanAfter"));
            } else {
                s = new PageHinkleyState(whole(n, "seen"), whole(n, "detections"), whole(n, "n"), number(n, "mean"),
                        number(n, "sum"));
            }
            return config.restore(s);
        } catch (StateFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new StateFormatException("drift", e.getMessage(), e);
        }
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            throw new StateFormatException("drift." + name, "required");
        }
        return v;
    }

    private static long whole(JsonNode n, String name) {
        return wholeAt(field(n, name), "drift." + name);
    }

    private static long wholeAt(JsonNode v, String path) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new StateFormatException(path, "must be an integer, got " + v);
        }
        return v.asLong();
    }

    private static double number(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isNumber()) {
            throw new StateFormatException("drift." + name, "must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static double[] numbers(JsonNode n, String name) {
        JsonNode a = field(n, name);
        if (!a.isArray()) {
            throw new StateFormatException("drift." + name, "must be an array of numbers");
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!a.get(i).isNumber()) {
                throw new StateFormatException("drift." + name + "[" + i + "]", "must be a number");
            }
            out[i] = a.get(i).doubleValue();
        }
        return out;
    }

    private static void doubles(ArrayNode a, String field, double[] v) {
        for (int i = 0; i < v.length; i++) {
            a.add(finite(field + "[" + i + "]", v[i]));
        }
    }

    private static double finite(String field, double v) {
        if (!Double.isFinite(v)) {
            throw new StateFormatException(field, "non-finite number " + v + " cannot be written");
        }
        return v;
    }

    // --- binary

    /** The size of {@link #encode}'s section for {@code d}; 0 when there is no detector. */
    static int encodedSize(DriftDetector d) {
        if (d == null) {
            return 0;
        }
        DriftState s = d.state();
        if (s instanceof AdwinState a) {
            int buckets = a.bucketTotals().length;
            return 1 + 8 * 4 + 8 * 2 + 4 + 4 * a.bucketsPerRow().length + 16 * buckets + 8 * 2;
        }
        return 1 + 8 * 3 + 8 * 2;
    }

    /** An upper bound of {@link #encodedSize} for any detector of {@code config} (0 for none). */
    static long maxEncodedSize(DriftConfig config) {
        if (config instanceof Adwin a) {
            return 1 + 8 * 4 + 8 * 2 + 4 + 4L * MAX_ROWS + 16L * MAX_ROWS * a.maxBuckets() + 8 * 2;
        }
        return config == null ? 0 : 1 + 8 * 3 + 8 * 2;
    }

    /** An upper bound of the JSON section's length for any detector of {@code config} (0 for none). */
    static long maxJsonSize(DriftConfig config) {
        long binary = maxEncodedSize(config);
        return binary == 0 ? 0 : 512 + 4 * binary;
    }

    static void encode(ByteBuffer b, DriftDetector d) {
        if (d == null) {
            return;
        }
        DriftState s = d.state();
        if (s instanceof AdwinState a) {
            b.put(ADWIN).putLong(a.seen()).putLong(a.detections()).putLong(a.tick()).putLong(a.width());
            b.putDouble(a.total()).putDouble(a.variance());
            int[] rows = a.bucketsPerRow();
            b.putInt(rows.length);
            for (int c : rows) {
                b.putInt(c);
            }
            for (double v : a.bucketTotals()) {
                b.putDouble(v);
            }
            for (double v : a.bucketVariances()) {
                b.putDouble(v);
            }
            b.putDouble(a.meanBefore()).putDouble(a.meanAfter());
        } else if (s instanceof PageHinkleyState ph) {
            b.put(PAGE_HINKLEY).putLong(ph.seen()).putLong(ph.detections()).putLong(ph.n());
            b.putDouble(ph.mean()).putDouble(ph.sum());
        }
    }

    /**
     * Reads the section of a detector of {@code config} ({@code null}: none). When it closes the snapshot
     * ({@code more} false), a missing section gives a fresh detector and bytes left without a detector are an
     * error; otherwise ({@code more}: the challengers' learners follow) the section is there exactly when the
     * spec has a detector.
     */
    static DriftDetector decode(ByteBuffer b, DriftConfig config, boolean more) {
        if (config == null) {
            if (!more && b.hasRemaining()) {
                throw new StateFormatException("drift", "present, but the spec has no drift detection");
            }
            return null;
        }
        if (!more && !b.hasRemaining()) {
            return config.newDetector();
        }
        byte tag = b.get();
        if (tag != (config instanceof Adwin ? ADWIN : PAGE_HINKLEY)) {
            throw new StateFormatException("drift.detector", "tag " + tag + " is not the spec's " + config.name());
        }
        DriftState s;
        if (tag == ADWIN) {
            long seen = b.getLong();
            long detections = b.getLong();
            long tick = b.getLong();
            long width = b.getLong();
            double total = b.getDouble();
            double variance = b.getDouble();
            int rowCount = b.getInt();
            if (rowCount < 0 || rowCount > MAX_ROWS) {
                throw new StateFormatException("drift.bucketsPerRow", rowCount + " rows");
            }
            int[] rows = new int[rowCount];
            long buckets = 0;
            for (int r = 0; r < rowCount; r++) {
                rows[r] = b.getInt();
                buckets += rows[r];
            }
            if (buckets < 0 || 16 * buckets > b.remaining()) {
                throw new StateFormatException("drift.bucketsPerRow", buckets + " buckets do not fit the snapshot");
            }
            double[] totals = new double[(int) buckets];
            double[] variances = new double[(int) buckets];
            for (int i = 0; i < totals.length; i++) {
                totals[i] = b.getDouble();
            }
            for (int i = 0; i < variances.length; i++) {
                variances[i] = b.getDouble();
            }
            s = new AdwinState(seen, detections, tick, width, total, variance, rows, totals, variances,
                    b.getDouble(), b.getDouble());
        } else {
            s = new PageHinkleyState(b.getLong(), b.getLong(), b.getLong(), b.getDouble(), b.getDouble());
        }
        return config.restore(s);
    }
}
