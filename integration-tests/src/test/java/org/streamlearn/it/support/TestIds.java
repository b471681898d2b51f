package org.streamlearn.it.support;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.streamlearn.app.config.Topics;

/** Unique names per test: a prefix for the application id and for every topic (the {@code topic.*} settings). */
public final class TestIds {

    private TestIds() {
    }

    /** {@code it-<name>-<8 hex>-}: unique per call. */
    public static String prefix(String name) {
        String clean = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        return "it-" + clean + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    /** The topic names of a prefix. */
    public static Topics topics(String prefix) {
        return Topics.DEFAULT.withPrefix(prefix);
    }

    /**
     * The settings of a crash test's service: {@link #topicSettings} of {@code prefix}, {@code partitions}
     * partitions and exactly-once; a mutable map, for the test's own additions.
     */
    public static Map<String, String> exactlyOnceSettings(String prefix, int partitions) {
        Map<String, String> m = new LinkedHashMap<>(topicSettings(prefix));
        m.put("topics.partitions", Integer.toString(partitions));
        m.put("processing.guarantee", "exactly_once_v2");
        return m;
    }

    /** The {@code topic.*} settings that give the service the topics of {@link #topics(String)}. */
    public static Map<String, String> topicSettings(String prefix) {
        Topics t = topics(prefix);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("topic.training-events", t.trainingEvents());
        m.put("topic.model-commands", t.modelCommands());
        m.put("topic.prediction-requests", t.predictionRequests());
        m.put("topic.model-parameters", t.modelParameters());
        m.put("topic.model-metrics", t.modelMetrics());
        m.put("topic.predictions", t.predictions());
        m.put("topic.dead-letter", t.deadLetter());
        m.put("topic.model-events", t.modelEvents());
        return m;
    }
}
