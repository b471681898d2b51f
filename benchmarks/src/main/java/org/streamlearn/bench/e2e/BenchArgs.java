package org.streamlearn.bench.e2e;

import java.util.LinkedHashMap;
import java.util.Map;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/**
 * The {@code key=value} arguments of a driver: known keys with their defaults, and service settings given as
 * {@code svc.<key>=<value>} (passed to every streamlearn service the driver starts, e.g.
 * {@code svc.kafka.linger.ms=5} or {@code svc.cache.max.models=50000}), and broker properties given as
 * {@code broker.<key>=<value>} (set on the local broker the driver starts, e.g.
 * {@code broker.group.initial.rebalance.delay.ms=3000}, the production default).
 */
final class BenchArgs {

    private final Map<String, String> values;
    private final Map<String, String> service = new LinkedHashMap<>();
    private final Map<String, String> broker = new LinkedHashMap<>();

    private BenchArgs(Map<String, String> values) {
        this.values = values;
    }

    /** Parses {@code args} over {@code defaults}; an unknown key fails with the list of known ones. */
    static BenchArgs parse(String[] args, Map<String, String> defaults) {
        BenchArgs a = new BenchArgs(new LinkedHashMap<>(defaults));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length == 2 && kv[0].startsWith("svc.")) {
                a.service.put(kv[0].substring(4), kv[1]);
            } else if (kv.length == 2 && kv[0].startsWith("broker.")) {
                a.broker.put(kv[0].substring(7), kv[1]);
            } else if (kv.length != 2 || !a.values.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown argument '" + arg + "' (known: " + a.values.keySet()
                        + ", svc.<service setting>, broker.<broker property>)");
            } else {
                a.values.put(kv[0], kv[1]);
            }
        }
        return a;
    }

    String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no argument " + key);
        }
        return v;
    }

    int integer(String key) {
        return Integer.parseInt(get(key));
    }

    boolean flag(String key) {
        return Boolean.parseBoolean(get(key));
    }

    /** The {@code svc.*} settings, prefix removed. */
    Map<String, String> service() {
        return service;
    }

    /** The {@code broker.*} properties, prefix removed: for the local broker the driver starts. */
    Map<String, String> broker() {
        return broker;
    }

    /**
     * The service settings of a variant {@code spec} ({@code key:value;key:value}, as the drivers' {@code variant}
     * argument gives them) over {@code base}; null when {@code spec} is empty.
     */
    static Map<String, String> variant(String spec, Map<String, String> base) {
        if (spec.isEmpty()) {
            return null;
        }
        Map<String, String> v = new LinkedHashMap<>(base);
        for (String kv : spec.split(";")) {
            String[] p = kv.split(":", 2);
            if (p.length != 2) {
                throw new IllegalArgumentException("variant: expected key:value;key:value, got '" + spec + "'");
            }
            v.put(p[0], p[1]);
        }
        return v;
    }

    /** A local broker with the {@code broker.*} properties set over its defaults. */
    LocalKafkaBroker.Builder brokerBuilder() {
        LocalKafkaBroker.Builder b = LocalKafkaBroker.builder();
        broker.forEach(b::serverProperty);
        return b;
    }

    @Override
    public String toString() {
        return values + (service.isEmpty() ? "" : " svc" + service) + (broker.isEmpty() ? "" : " broker" + broker);
    }
}
