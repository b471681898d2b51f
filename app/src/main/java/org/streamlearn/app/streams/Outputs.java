package org.streamlearn.app.streams;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.streamlearn.app.events.ModelIds;
import org.streamlearn.core.drift.DriftDetector;
import org.streamlearn.core.metric.ProgressiveMetrics;
import org.streamlearn.core.metric.RollingLoss;
import org.streamlearn.core.model.LearnerState;
import org.streamlearn.core.model.Prediction;
import org.streamlearn.core.model.Task;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.state.ModelState;

/** The JSON values of the output topics (DESIGN.md "Outputs"), built in one place. */
public final class Outputs {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Outputs() {
    }

    /** Serializes a JSON tree to UTF-8 bytes. */
    public static byte[] bytes(ObjectNode o) {
        try {
            return Json.MAPPER.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A {@code model-metrics} value. */
    public static ObjectNode metrics(ModelState m, long atMs) {
        LearnerState s = m.learned();
        RollingLoss r = s.rolling();
        ObjectNode o = F.objectNode();
        o.put("model", m.modelId());
        o.put("seen", s.seen());
        o.put("updates", s.steps());
        ObjectNode loss = o.putObject("loss");
        putNumber(loss, "mean", r.mean());
        putNumber(loss, "ewma", r.ewma());
        putNumber(loss, "window", r.windowMean());
        putMetric(o.putObject("metric"), m.spec().task(), m.servedMetrics());
        putNumber(o, "learningRate", s.lastLearningRate());
        putNumber(o, "gradientNorm", s.lastGradientNorm());
        o.put("refused", s.refused());
        o.put("timedFlushes", s.timedFlushes());
        if (m.drift() != null) {
            o.put("drifts", m.drift().detections());
        }
        if (m.candidateCount() > 1) {
            o.put("champion", m.championName());
            putCandidates(o.putArray("candidates"), m);
        }
        o.put("modelVersion", m.version());
        o.put("atMs", atMs);
        return o;
    }

    /**
     * Every candidate of a model with challengers, the champion first, then the challengers in spec order:
     * {@code {"name", "champion", "optimizer", "learningRate", "seen", "loss": {"mean", "ewma", "window"},
     * "metric": {…its own progressive metrics}}}.
     */
    private static void putCandidates(ArrayNode out, ModelState m) {
        for (int k = -1; k < m.candidateCount(); k++) {
            int i = k < 0 ? m.championIndex() : k;
            if (k >= 0 && i == m.championIndex()) {
                continue;
            }
            LearnerState s = m.candidate(i).state();
            ModelSpec spec = ModelState.candidateSpec(m.spec(), i);
            ObjectNode c = out.addObject();
            c.put("name", ModelState.candidateName(m.spec(), i));
            c.put("champion", i == m.championIndex());
            c.put("optimizer", spec.optimizer().type());
            putNumber(c, "learningRate", spec.optimizer().learningRate());
            c.put("seen", s.seen());
            ObjectNode loss = c.putObject("loss");
            putNumber(loss, "mean", s.rolling().mean());
            putNumber(loss, "ewma", s.rolling().ewma());
            putNumber(loss, "window", s.rolling().windowMean());
            putMetric(c.putObject("metric"), m.spec().task(), s.metrics());
        }
    }

    /** The progressive metrics of a task's predictions, none before the first. */
    private static void putMetric(ObjectNode metric, Task task, ProgressiveMetrics pm) {
        if (pm.count() == 0) {
            return;
        }
        switch (task) {
            case REGRESSION -> {
                putNumber(metric, "mse", pm.mse());
                putNumber(metric, "mae", pm.mae());
            }
            case BINARY -> {
                putNumber(metric, "logLoss", pm.logLoss());
                putNumber(metric, "accuracy", pm.accuracy());
                putNumber(metric, "precision", pm.precision());
                putNumber(metric, "recall", pm.recall());
                putNumber(metric, "f1", pm.f1());
            }
            case MULTICLASS -> {
                putNumber(metric, "logLoss", pm.logLoss());
                putNumber(metric, "accuracy", pm.accuracy());
            }
            default -> throw new IllegalStateException();
        }
    }

    /**
     * A {@code model-events} drift record: {@code {"model", "type": "drift", "detector", "signal", "action",
     * "seen", "modelVersion", "before", "after", "atMs"}}, {@code seen} being the events the model has seen, this one
     * included (a drift reset keeps counting) and {@code before}, {@code after} the signal's means either side of the change when the
     * detector knows them (ADWIN), else null (Page-Hinkley).
     */
    public static ObjectNode drift(ModelState m, long atMs) {
        DriftDetector d = m.drift();
        ObjectNode o = F.objectNode();
        o.put("model", m.modelId());
        o.put("type", "drift");
        o.put("detector", d.config().name());
        o.put("signal", m.spec().drift().signal());
        o.put("action", m.spec().drift().action());
        o.put("seen", m.learned().seen());
        o.put("modelVersion", m.version());
        putNumber(o, "before", d.meanBefore());
        putNumber(o, "after", d.meanAfter());
        o.put("atMs", atMs);
        return o;
    }

    /**
     * A {@code model-events} promotion record: {@code {"model", "type": "promotion", "champion", "previous",
     * "reason": "rule" | "drift", "seen", "modelVersion", "before", "after", "atMs"}}, {@code before} and
     * {@code after} being the window losses of the previous and the new champion at the change, and
     * {@code modelVersion} the version the change made.
     */
    public static ObjectNode promotion(ModelState m, String previous, String reason, double before, long atMs) {
        ObjectNode o = F.objectNode();
        o.put("model", m.modelId());
        o.put("type", "promotion");
        o.put("champion", m.championName());
        o.put("previous", previous);
        o.put("reason", reason);
        o.put("seen", m.learned().seen());
        o.put("modelVersion", m.version());
        putNumber(o, "before", before);
        putNumber(o, "after", m.windowLoss(m.championIndex()));
        o.put("atMs", atMs);
        return o;
    }

    /** A {@code predictions} value. */
    public static ObjectNode prediction(String id, ModelState m, Prediction p, long atMs) {
        ObjectNode o = F.objectNode();
        o.put("id", id);
        o.put("model", m.modelId());
        ModelSpec spec = m.spec();
        switch (spec.task()) {
            case REGRESSION -> o.put("prediction", p.value());
            default -> {
                int label = (int) p.value();
                o.put("prediction", label);
                if (spec.classNames() != null) {
                    o.put("className", spec.classNames().get(label));
                }
                var probs = o.putArray("probabilities");
                for (double v : p.probabilities()) {
                    probs.add(v);
                }
            }
        }
        var scores = o.putArray("scores");
        for (double v : p.scores()) {
            scores.add(v);
        }
        o.put("modelVersion", m.version());
        o.put("servedAtMs", atMs);
        return o;
    }

    /** A {@code predictions} error value: the request id, the model, what was wrong. */
    public static ObjectNode predictionError(String id, String model, String field, String reason, long atMs) {
        ObjectNode o = F.objectNode();
        if (id == null) {
            o.putNull("id");
        } else {
            o.put("id", id);
        }
        if (model == null) {
            o.putNull("model");
        } else {
            o.put("model", ModelIds.display(model));
        }
        ObjectNode e = o.putObject("error");
        e.put("field", ModelIds.display(field));
        e.put("reason", boundedReason(reason));
        o.put("servedAtMs", atMs);
        return o;
    }

    /** The default bound of a dead letter's copy of the original record ({@code dead.letter.max.original.bytes}). */
    public static final int DEFAULT_MAX_ORIGINAL_BYTES = 64 * 1024;

    /** The most characters of a dead letter's reason. */
    public static final int MAX_REASON_CHARS = 1024;

    /** A {@code dead-letter} value with the original bounded by {@link #DEFAULT_MAX_ORIGINAL_BYTES}. */
    public static ObjectNode deadLetter(String model, String topic, int partition, long offset, String field,
            String reason, byte[] original, long atMs) {
        return deadLetter(model, topic, partition, offset, field, reason, original, DEFAULT_MAX_ORIGINAL_BYTES, atMs);
    }

    /**
     * A {@code dead-letter} value: the model id, the source (topic, partition, offset: where the whole original
     * can be fetched), the field and reason, the original and the time. Every part is bounded, so that no input
     * can make a record the broker refuses: the model id and field to {@link ModelIds#DISPLAY_CHARS}
     * characters, the reason to {@link #MAX_REASON_CHARS}, and the original to {@code maxOriginalBytes} bytes as
     * written in the JSON value (escapes counted: a control byte takes six). Valid UTF-8 is copied as the text
     * {@code original}, anything else as {@code originalBase64}; {@code originalBytes} is the original's size and
     * {@code truncated} says whether the copy was cut.
     */
    public static ObjectNode deadLetter(String model, String topic, int partition, long offset, String field,
            String reason, byte[] original, int maxOriginalBytes, long atMs) {
        ObjectNode o = F.objectNode();
        if (model == null) {
            o.putNull("model");
        } else {
            o.put("model", ModelIds.display(model));
        }
        ObjectNode src = o.putObject("source");
        src.put("topic", topic);
        src.put("partition", partition);
        src.put("offset", offset);
        o.put("field", ModelIds.display(field));
        o.put("reason", boundedReason(reason));
        if (original == null) {
            o.putNull("original");
        } else {
            boolean truncated;
            String text = utf8(original);
            if (text != null) {
                int end = jsonPrefix(text, maxOriginalBytes);
                truncated = end < text.length();
                o.put("original", truncated ? text.substring(0, end) : text);
            } else {
                int n = Math.min(original.length, maxOriginalBytes / 4 * 3);
                truncated = n < original.length;
                o.put("originalBase64", Base64.getEncoder().encodeToString(truncated
                        ? java.util.Arrays.copyOf(original, n) : original));
            }
            o.put("originalBytes", original.length);
            o.put("truncated", truncated);
        }
        o.put("atMs", atMs);
        return o;
    }

    /** {@code reason} cut to {@link #MAX_REASON_CHARS} characters (also the {@code streamlearn.reason} header). */
    public static String boundedReason(String reason) {
        if (reason == null || reason.length() <= MAX_REASON_CHARS) {
            return reason;
        }
        int end = MAX_REASON_CHARS;
        if (Character.isHighSurrogate(reason.charAt(end - 1))) {
            end--;
        }
        return reason.substring(0, end) + "…(+" + (reason.length() - end) + " chars)";
    }

    /**
     * The length of the longest prefix of {@code text} whose JSON string encoding (as the shared mapper writes
     * it: UTF-8, short escapes for {@code \n \t \r \b \f " \\}, six-byte {@code \\u} escapes for other control
     * characters) takes at most {@code maxBytes} bytes; never splits a surrogate pair.
     */
    static int jsonPrefix(String text, int maxBytes) {
        long used = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            int chars = 1;
            int cost;
            if (c == '"' || c == '\\' || c == '\n' || c == '\t' || c == '\r' || c == '\b' || c == '\f') {
                cost = 2;
            } else if (c < 0x20) {
                cost = 6;
            } else if (c < 0x80) {
                cost = 1;
            } else if (c < 0x800) {
                cost = 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                cost = 4;
                chars = 2;
            } else {
                cost = 3;
            }
            if (used + cost > maxBytes) {
                return i;
            }
            used += cost;
            i += chars;
        }
        return n;
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static void putNumber(ObjectNode o, String name, double v) {
        if (Double.isFinite(v)) {
            o.put(name, v);
        } else {
            o.putNull(name);
        }
    }
}
