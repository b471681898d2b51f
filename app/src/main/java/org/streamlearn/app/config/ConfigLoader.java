package org.streamlearn.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;
import org.streamlearn.store.state.StateLimits;

/**
 * Loads a {@link ServiceConfig} from, in increasing precedence: built-in defaults, a properties file
 * ({@code streamlearn.properties}), environment variables ({@code STREAMLEARN_BOOTSTRAP_SERVERS} for
 * {@code bootstrap.servers}: upper case, dots and dashes as underscores) and explicit overrides (command-line
 * flags). Unknown keys are errors, except {@code kafka.*}: Kafka client settings, passed to Kafka Streams as they
 * are and to every other client as {@link org.streamlearn.app.kafka.KafkaClientConfig} says.
 *
 * <table>
 * <caption>keys</caption>
 * <tr><td>bootstrap.servers</td><td>required</td></tr>
 * <tr><td>application.id</td><td>streamlearn</td></tr>
 * <tr><td>topic.training-events … topic.dead-letter, topic.model-events</td><td>DESIGN.md's names</td></tr>
 * <tr><td>topic.labels / topic.prediction-log</td><td>named beside topic.training-events (its name with
 *     {@code training-events} replaced)</td></tr>
 * <tr><td>topics.partitions / topics.replication.factor</td><td>4 / 1</td></tr>
 * <tr><td>processing.guarantee</td><td>exactly_once_v2</td></tr>
 * <tr><td>state.dir</td><td>${java.io.tmpdir}/streamlearn-state</td></tr>
 * <tr><td>num.stream.threads / commit.interval.ms</td><td>1 / 100</td></tr>
 * <tr><td>metrics.every.events / metrics.interval.ms</td><td>1000 / 5000</td></tr>
 * <tr><td>batch.check.interval.ms</td><td>100</td></tr>
 * <tr><td>default.spec (JSON) / default.spec.file</td><td>regression, SGD 0.01, standardized</td></tr>
 * <tr><td>spec.dir</td><td>none: {@code <model-id>.json} files seed those models' specs</td></tr>
 * <tr><td>http.port / http.host</td><td>8080 / 127.0.0.1</td></tr>
 * <tr><td>cache.max.models</td><td>auto: 40 % of the maximum heap at 12 KiB per model, divided by
 * topics.partitions, at least 1000 ({@link CacheSizing})</td></tr>
 * <tr><td>model.max.parameters / model.max.message.bytes</td><td>10000000 / 8388608</td></tr>
 * <tr><td>http.auth.token / http.auth.token.file / http.allow.unauthenticated.writes</td><td>none / none /
 * false</td></tr>
 * <tr><td>http.request.timeout.ms / http.response.timeout.ms / http.idle.timeout.ms / http.threads</td>
 * <td>10000 / 30000 / 30000 / 16</td></tr>
 * <tr><td>metrics.models.max</td><td>20</td></tr>
 * <tr><td>http.advertised.url / num.standby.replicas / serving.max.lag.records</td><td>bind address / 1 / 10000</td></tr>
 * <tr><td>shutdown.streams.timeout.ms / shutdown.http.timeout.ms / shutdown.leave.group</td>
 * <td>15000 / 2000 / true</td></tr>
 * <tr><td>dead.letter.max.original.bytes</td><td>65536</td></tr>
 * </table>
 */
public final class ConfigLoader {


    /** The default spec template: River's LinearRegression layout, dimension from the first event. */
    public static final String DEFAULT_SPEC = "{\"task\":\"regression\",\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.01},\"standardize\":true}";

    private static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("bootstrap.servers", "");
        d.put("application.id", "streamlearn");
        d.put("topic.training-events", Topics.DEFAULT.trainingEvents());
        d.put("topic.model-commands", Topics.DEFAULT.modelCommands());
        d.put("topic.prediction-requests", Topics.DEFAULT.predictionRequests());
        d.put("topic.model-parameters", Topics.DEFAULT.modelParameters());
        d.put("topic.model-metrics", Topics.DEFAULT.modelMetrics());
        d.put("topic.predictions", Topics.DEFAULT.predictions());
        d.put("topic.dead-letter", Topics.DEFAULT.deadLetter());
        d.put("topic.model-events", Topics.DEFAULT.modelEvents());
        d.put("topic.labels", "");
        d.put("topic.prediction-log", "");
        d.put("topics.partitions", "4");
        d.put("topics.replication.factor", "1");
        d.put("processing.guarantee", "exactly_once_v2");
        d.put("state.dir", Path.of(System.getProperty("java.io.tmpdir"), "streamlearn-state").toString());
        d.put("num.stream.threads", "1");
        d.put("commit.interval.ms", "100");
        d.put("metrics.every.events", "1000");
        d.put("metrics.interval.ms", "5000");
        d.put("batch.check.interval.ms", "100");
        d.put("default.spec", DEFAULT_SPEC);
        d.put("default.spec.file", "");
        d.put("spec.dir", "");
        d.put("http.port", "8080");
        d.put("http.host", "127.0.0.1");
        d.put("cache.max.models", CacheSizing.AUTO);
        d.put("model.max.parameters", Long.toString(StateLimits.DEFAULT_MAX_PARAMETERS));
        d.put("model.max.message.bytes", Integer.toString(StateLimits.DEFAULT_MAX_MESSAGE_BYTES));
        d.put("http.auth.token", "");
        d.put("http.auth.token.file", "");
        d.put("http.allow.unauthenticated.writes", "false");
        d.put("http.request.timeout.ms", "10000");
        d.put("http.response.timeout.ms", "30000");
        d.put("http.idle.timeout.ms", "30000");
        d.put("http.threads", "16");
        d.put("metrics.models.max", "20");
        d.put("http.advertised.url", "");
        d.put("num.standby.replicas", "1");
        d.put("serving.max.lag.records", "10000");
        d.put("shutdown.streams.timeout.ms", Long.toString(LifecycleSettings.DEFAULT.streamsCloseTimeoutMs()));
        d.put("shutdown.http.timeout.ms", Long.toString(LifecycleSettings.DEFAULT.httpCloseTimeoutMs()));
        d.put("shutdown.leave.group", Boolean.toString(LifecycleSettings.DEFAULT.leaveGroupOnClose()));
        d.put("dead.letter.max.original.bytes", "65536");
        return Map.copyOf(d);
    }

    private ConfigLoader() {
    }

    /** The known keys. */
    public static Set<String> keys() {
        return new TreeMap<>(DEFAULTS).keySet();
    }

    /**
     * Loads and validates.
     *
     * @param file      a properties file, or null
     * @param env       environment variables (only {@code STREAMLEARN_*} are read)
     * @param overrides explicit settings (command-line flags), by key
     */
    public static ServiceConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> kafka = new TreeMap<>();
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException("config file", "cannot read " + file + ": " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) {
                set(v, kafka, k, p.getProperty(k), file.toString());
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith("STREAMLEARN_")) {
                continue;
            }
            String key = fromEnv(e.getKey());
            if (key == null) {
                throw new ConfigException(e.getKey(), "unknown environment setting (known: "
                        + String.join(", ", keys()) + ", or STREAMLEARN_KAFKA_<PROPERTY>)");
            }
            set(v, kafka, key, e.getValue(), "environment");
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (e.getValue() != null) {
                set(v, kafka, e.getKey(), e.getValue(), "command line");
            }
        }
        return build(v, kafka);
    }

    private static String fromEnv(String name) {
        String rest = name.substring("STREAMLEARN_".length());
        if (rest.startsWith("KAFKA_")) {
            return "kafka." + rest.substring(6).toLowerCase(Locale.ROOT).replace('_', '.');
        }
        for (String k : DEFAULTS.keySet()) {
            if (k.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_').equals(rest)) {
                return k;
            }
        }
        return null;
    }

    private static void set(Map<String, String> v, Map<String, String> kafka, String key, String value, String from) {
        if (key.startsWith("kafka.")) {
            kafka.put(key.substring(6), value);
        } else if (DEFAULTS.containsKey(key)) {
            v.put(key, value.trim());
        } else {
            throw new ConfigException(key, "unknown setting (from " + from + "; known: " + String.join(", ", keys())
                    + ", or kafka.<streams property>)");
        }
    }

    private static ServiceConfig build(Map<String, String> v, Map<String, String> kafka) {
        Topics topics = new Topics(v.get("topic.training-events"), v.get("topic.model-commands"),
                v.get("topic.prediction-requests"), v.get("topic.model-parameters"), v.get("topic.model-metrics"),
                v.get("topic.predictions"), v.get("topic.dead-letter"), v.get("topic.model-events"),
                orBeside(v, "topic.labels", "labels"), orBeside(v, "topic.prediction-log", "prediction-log"));
        String specText = v.get("default.spec");
        if (!v.get("default.spec.file").isEmpty()) {
            specText = read(Path.of(v.get("default.spec.file")), "default.spec.file");
        }
        ObjectNode template = specTemplate(specText, "default.spec");
        Map<String, ModelSpec> seeds = new TreeMap<>();
        if (!v.get("spec.dir").isEmpty()) {
            Path dir = Path.of(v.get("spec.dir"));
            if (!Files.isDirectory(dir)) {
                throw new ConfigException("spec.dir", "not a directory: " + dir);
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
                for (Path f : files) {
                    String id = f.getFileName().toString().replaceFirst("\\.json$", "");
                    try {
                        seeds.put(id, ModelSpecs.parse(read(f, "spec.dir")));
                    } catch (SpecException e) {
                        throw new ConfigException("spec.dir", f.getFileName() + ": " + e.getMessage());
                    }
                }
            } catch (IOException e) {
                throw new ConfigException("spec.dir", "cannot list " + dir + ": " + e.getMessage());
            }
        }
        StateLimits limits = modelLimits(v);
        for (Map.Entry<String, ModelSpec> seed : seeds.entrySet()) {
            try {
                limits.check(seed.getKey(), seed.getValue());
            } catch (SpecException e) {
                throw new ConfigException("spec.dir", seed.getKey() + ".json: " + e.getMessage());
            }
        }
        return new ServiceConfig(v.get("bootstrap.servers"), v.get("application.id"), topics,
                integer(v, "topics.partitions"), (short) integer(v, "topics.replication.factor"),
                v.get("processing.guarantee"), Path.of(v.get("state.dir")), integer(v, "num.stream.threads"),
                longValue(v, "commit.interval.ms"), longValue(v, "metrics.every.events"),
                longValue(v, "metrics.interval.ms"), longValue(v, "batch.check.interval.ms"), template, seeds,
                integer(v, "http.port"), v.get("http.host"), cacheMaxModels(v), kafka, limits,
                http(v), new ClusterSettings(v.get("http.advertised.url"), integer(v, "num.standby.replicas"),
                        longValue(v, "serving.max.lag.records")),
                new LifecycleSettings(longValue(v, "shutdown.streams.timeout.ms"),
                        longValue(v, "shutdown.http.timeout.ms"), bool(v, "shutdown.leave.group")),
                integer(v, "dead.letter.max.original.bytes"));
    }

    /** A topic name, or (empty) the default named beside {@code topic.training-events}. */
    private static String orBeside(Map<String, String> v, String key, String name) {
        String value = v.get(key);
        return value.isEmpty() ? Topics.beside(v.get("topic.training-events"), name) : value;
    }

    private static StateLimits modelLimits(Map<String, String> v) {
        long maxParameters = longValue(v, "model.max.parameters");
        int maxMessageBytes = integer(v, "model.max.message.bytes");
        try {
            return new StateLimits(maxParameters, maxMessageBytes);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            String key = m.substring(0, m.indexOf(':'));
            throw new ConfigException(key, m.substring(key.length() + 2));
        }
    }

    private static HttpSettings http(Map<String, String> v) {
        String token = v.get("http.auth.token");
        if (!v.get("http.auth.token.file").isEmpty()) {
            if (!token.isEmpty()) {
                throw new ConfigException("http.auth.token.file", "set either http.auth.token or "
                        + "http.auth.token.file, not both");
            }
            String text = read(Path.of(v.get("http.auth.token.file")), "http.auth.token.file").strip();
            token = text.lines().findFirst().orElse("").strip();
            if (token.isEmpty()) {
                throw new ConfigException("http.auth.token.file", "the file " + v.get("http.auth.token.file")
                        + " holds no token");
            }
        }
        String writes = v.get("http.allow.unauthenticated.writes");
        if (!writes.equals("true") && !writes.equals("false")) {
            throw new ConfigException("http.allow.unauthenticated.writes", "must be true or false, got '"
                    + writes + "'");
        }
        return new HttpSettings(token, Boolean.parseBoolean(writes), longValue(v, "http.request.timeout.ms"),
                longValue(v, "http.response.timeout.ms"), longValue(v, "http.idle.timeout.ms"),
                integer(v, "http.threads"), integer(v, "metrics.models.max"));
    }

    /**
     * A spec template: a spec object that may leave out {@code features} (taken from a model's first event);
     * checked by parsing it with a placeholder dimension.
     */
    public static ObjectNode specTemplate(String json, String setting) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigException(setting, "not valid JSON: " + (Json.isTrailingContent(e)
                    ? "unexpected content after the spec" : e.getOriginalMessage()));
        }
        if (n == null || !n.isObject()) {
            throw new ConfigException(setting, "must be a JSON object (a model spec)");
        }
        ObjectNode o = (ObjectNode) n;
        ObjectNode probe = o.deepCopy();
        if (!probe.has("features") && !probe.has("hashBits")) {
            probe.put("features", 1);
        }
        try {
            ModelSpecs.fromTree(probe);
        } catch (SpecException e) {
            throw new ConfigException(setting, e.getMessage());
        }
        return o;
    }

    private static String read(Path f, String setting) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new ConfigException(setting, "cannot read " + f + ": " + e.getMessage());
        }
    }

    /** {@code cache.max.models}: a number, or {@code auto} ({@link CacheSizing}). */
    private static int cacheMaxModels(Map<String, String> v) {
        if (CacheSizing.AUTO.equals(v.get("cache.max.models").trim())) {
            return CacheSizing.perTask(integer(v, "topics.partitions"));
        }
        try {
            return Integer.parseInt(v.get("cache.max.models").trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("cache.max.models", "must be an integer or auto, got '"
                    + v.get("cache.max.models") + "'");
        }
    }

    private static int integer(Map<String, String> v, String key) {
        try {
            return Integer.parseInt(v.get(key));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "must be an integer, got '" + v.get(key) + "'");
        }
    }

    private static boolean bool(Map<String, String> v, String key) {
        String s = v.get(key).toLowerCase(Locale.ROOT);
        if (!s.equals("true") && !s.equals("false")) {
            throw new ConfigException(key, "must be true or false, got '" + v.get(key) + "'");
        }
        return Boolean.parseBoolean(s);
    }

    private static long longValue(Map<String, String> v, String key) {
        try {
            return Long.parseLong(v.get(key));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "must be an integer, got '" + v.get(key) + "'");
        }
    }
}
