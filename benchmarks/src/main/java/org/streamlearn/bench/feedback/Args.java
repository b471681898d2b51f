package org.streamlearn.bench.feedback;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code key=value} arguments over defaults; an unknown key is an error naming the known ones. */
final class Args {

    private final Map<String, String> values;

    Args(String[] args, Map<String, String> defaults) {
        values = new LinkedHashMap<>(defaults);
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !values.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown argument '" + arg + "' (known: " + values.keySet() + ")");
            }
            values.put(kv[0], kv[1]);
        }
    }

    int integer(String key) {
        return Integer.parseInt(values.get(key));
    }

    String text(String key) {
        return values.get(key);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
