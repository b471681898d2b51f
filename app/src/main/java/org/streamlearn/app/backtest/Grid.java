package org.streamlearn.app.backtest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;

/**
 * {@code --grid PATH=V1,V2,…} (repeatable): the cartesian product of the values, over each spec, in the order
 * given (the last grid varies fastest). A value is JSON when it parses as JSON ({@code 0.01}, {@code true}),
 * else a string ({@code adam}). A {@code type} (of the optimizer, schedule, …) is set first; the fields of the
 * old type that the new one does not have are dropped, the others kept (Adam's {@code learningRate} carries to
 * SGD). Each configuration is named {@code <spec>__<path>-<value>__…} and records its settings.
 */
public final class Grid {

    /** One {@code --grid}: a spec path and its values. */
    public record Axis(String path, List<String> values) {
    }

    private Grid() {
    }

    /** Parses {@code PATH=V1,V2}; throws IllegalArgumentException naming the problem. */
    public static Axis parse(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0 || eq == arg.length() - 1) {
            throw new IllegalArgumentException("--grid: expected PATH=V1,V2,… (e.g. optimizer.learningRate=0.01,0.1),"
                    + " got '" + arg + "'");
        }
        String path = arg.substring(0, eq).strip();
        if (!path.matches("[A-Za-z0-9]+(\\.[A-Za-z0-9]+)*")) {
            throw new IllegalArgumentException("--grid: '" + path + "' is not a spec path such as optimizer.type");
        }
        List<String> values = List.of(arg.substring(eq + 1).split(","));
        return new Axis(path, values.stream().map(String::strip).toList());
    }

    /** Every configuration of the product over each of {@code specs}. */
    public static List<Configuration> expand(List<Configuration> specs, List<Axis> axes) {
        if (axes.isEmpty()) {
            return specs;
        }
        List<Axis> ordered = new ArrayList<>(axes.stream().filter(a -> a.path().endsWith("type")).toList());
        axes.stream().filter(a -> !a.path().endsWith("type")).forEach(ordered::add);
        List<Configuration> out = new ArrayList<>();
        for (Configuration base : specs) {
            int[] idx = new int[axes.size()];
            while (true) {
                Map<String, String> settings = new LinkedHashMap<>();
                StringBuilder name = new StringBuilder(base.name());
                for (int i = 0; i < axes.size(); i++) {
                    String v = axes.get(i).values().get(idx[i]);
                    settings.put(axes.get(i).path(), v);
                    name.append("__").append(axes.get(i).path()).append('-').append(v.replaceAll("[^A-Za-z0-9._-]", "_"));
                }
                ObjectNode tree = ModelSpecs.toJson(base.spec());
                for (Axis a : ordered) {
                    set(tree, a.path(), settings.get(a.path()));
                }
                out.add(new Configuration(name.toString(), build(tree, settings), settings));
                int i = axes.size() - 1;
                while (i >= 0 && ++idx[i] == axes.get(i).values().size()) {
                    idx[i--] = 0;
                }
                if (i < 0) {
                    break;
                }
            }
        }
        return out;
    }

    private static void set(ObjectNode tree, String path, String value) {
        String[] parts = path.split("\\.");
        ObjectNode o = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = o.get(parts[i]);
            o = next instanceof ObjectNode n ? n : o.putObject(parts[i]);
        }
        JsonNode v;
        try {
            v = Json.MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            v = TextNode.valueOf(value);
        }
        o.set(parts[parts.length - 1], v == null || v.isMissingNode() ? TextNode.valueOf(value) : v);
    }

    /** The spec of {@code tree}, dropping fields the grid did not set that a changed type does not have. */
    private static org.streamlearn.store.spec.ModelSpec build(ObjectNode tree, Map<String, String> settings) {
        Set<String> set = settings.keySet();
        for (int attempt = 0; ; attempt++) {
            try {
                return ModelSpecs.fromTree(tree);
            } catch (SpecException e) {
                String f = e.field();
                int dot = f.lastIndexOf('.');
                JsonNode parent = dot < 0 ? tree : tree.at("/" + f.substring(0, dot).replace('.', '/'));
                if (attempt < 20 && !set.contains(f) && e.getMessage().contains("not a field")
                        && parent instanceof ObjectNode p && p.has(f.substring(dot + 1))) {
                    p.remove(f.substring(dot + 1));
                    continue;
                }
                throw new IllegalArgumentException("--grid " + settings + ": " + e.getMessage(), e);
            }
        }
    }
}
