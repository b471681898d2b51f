package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One JSON object of a spec with its JSON path ({@code ""} for the spec, {@code "optimizer"}…),
 * read strictly: every getter names the field by its path when it is JSON {@code null}, of the
 * wrong JSON type or out of range, and returns the given default when the field is absent.
 * Numbers must be finite; integers may be written {@code 3.0} but not {@code 3.5}.
 */
final class SpecObject {

    private final JsonNode node;
    private final String path;

    private SpecObject(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** The spec itself, which must be a JSON object. */
    static SpecObject root(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw CHECKS.fail("", "must be a JSON object, got " + describe(node));
        }
        return new SpecObject(node, "");
    }

    /** A nested JSON object at {@code path} (an element of an array), which must be an object. */
    static SpecObject at(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw CHECKS.fail(path, "expected an object, got " + describe(node));
        }
        return new SpecObject(node, path);
    }

    /** The JSON path of a field of this object. */
    String path(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** Every field is one of {@code known}. */
    void checkKnown(List<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw CHECKS.fail(path(name), "unknown field '" + name + "' in " + (path.isEmpty() ? "spec" : path));
            }
        }
    }

    /**
     * Reads the field that selects this object's kind ({@code type}, {@code mode}): one of
     * {@code values}, {@code dflt} when absent. Every field must be one of {@code known}, checked
     * first, and every field but {@code name} one of {@code fieldsOf.apply(kind)}, checked last.
     *
     * @return the kind
     */
    String discriminator(String name, String dflt, List<String> values, List<String> known,
                         Function<String, List<String>> fieldsOf) {
        checkKnown(known);
        String kind = CHECKS.oneOf(path(name), string(name, dflt), values);
        List<String> own = fieldsOf.apply(kind);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals(name) && !own.contains(field)) {
                throw CHECKS.notAField(path(field), path + " " + name + " " + kind);
            }
        }
        return kind;
    }

    /** The raw JSON value of a field; {@code null} when absent. */
    JsonNode raw(String name) {
        return node.get(name);
    }

    /** A nested object; {@code null} when absent. */
    SpecObject object(String name) {
        return get(name, null, (p, n) -> new SpecObject(expect(p, n, n.isObject(), "an object"), p));
    }

    String string(String name, String dflt) {
        return get(name, dflt, SpecObject::toText);
    }

    boolean bool(String name, boolean dflt) {
        return get(name, dflt, (p, n) -> expect(p, n, n.isBoolean(), "true or false").booleanValue());
    }

    double number(String name, double dflt) {
        return get(name, dflt, SpecObject::toDouble);
    }

    /** A number; {@code null} when absent or JSON {@code null}. */
    Double nullableNumber(String name) {
        JsonNode n = node.get(name);
        return n == null || n.isNull() ? null : toDouble(path(name), n);
    }

    long whole(String name, long dflt) {
        return get(name, dflt, SpecObject::toLong);
    }

    int integer(String name, int dflt) {
        return get(name, dflt, SpecObject::toInt);
    }

    /** An integer; {@code null} when absent. */
    Integer optionalInt(String name) {
        return get(name, null, SpecObject::toInt);
    }

    /** An array of strings; {@code null} when absent. */
    List<String> optionalStrings(String name) {
        return optionalList(name, "strings", SpecObject::toText);
    }

    /** An array of integers; {@code null} when absent. */
    List<Integer> optionalInts(String name) {
        return optionalList(name, "integers", SpecObject::toInt);
    }

    private <T> List<T> optionalList(String name, String of, BiFunction<String, JsonNode, T> element) {
        return get(name, null, (p, n) -> {
            expect(p, n, n.isArray(), "an array of " + of);
            List<T> out = new ArrayList<>(n.size());
            for (int i = 0; i < n.size(); i++) {
                out.add(element.apply(p + "[" + i + "]", n.get(i)));
            }
            return out;
        });
    }

    /** The field converted by {@code convert}; {@code dflt} when absent; an error when JSON null. */
    private <T> T get(String name, T dflt, BiFunction<String, JsonNode, T> convert) {
        JsonNode n = node.get(name);
        if (n == null) {
            return dflt;
        }
        if (n.isNull()) {
            throw CHECKS.fail(path(name), "must not be null");
        }
        return convert.apply(path(name), n);
    }

    // ---- scalars ----

    private static JsonNode expect(String path, JsonNode n, boolean ok, String expected) {
        if (!ok) {
            throw CHECKS.fail(path, "expected " + expected + ", got " + describe(n));
        }
        return n;
    }

    private static String toText(String path, JsonNode n) {
        return expect(path, n, n.isTextual(), "a string").textValue();
    }

    private static double toDouble(String path, JsonNode n) {
        double v = expect(path, n, n.isNumber(), "a number").doubleValue();
        CHECKS.finite(path, v);
        return v;
    }

    private static long toLong(String path, JsonNode n) {
        expect(path, n, n.isNumber(), "an integer");
        if (n.isIntegralNumber()) {
            if (!n.canConvertToLong()) {
                throw CHECKS.fail(path, "out of range, got " + n);
            }
            return n.longValue();
        }
        double d = n.doubleValue();
        expect(path, n, Double.isFinite(d) && d == Math.rint(d), "an integer");
        if (Math.abs(d) >= 0x1p63) {
            throw CHECKS.fail(path, "out of range, got " + n);
        }
        return (long) d;
    }

    private static int toInt(String path, JsonNode n) {
        long v = toLong(path, n);
        if (v != (int) v) {
            throw CHECKS.fail(path, "out of range, got " + v);
        }
        return (int) v;
    }

    /** A short description of a value for error messages: {@code string "abc"}, {@code an object}. */
    private static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        String text = n.toString();
        if (text.length() > 40) {
            text = text.substring(0, 37) + "...";
        }
        switch (n.getNodeType()) {
            case STRING:
                return "string " + text;
            case NUMBER:
                return "number " + text;
            case BOOLEAN:
                return "boolean " + text;
            case NULL:
                return "null";
            case ARRAY:
                return "an array";
            case OBJECT:
                return "an object";
            default:
                return n.getNodeType().name().toLowerCase(Locale.ROOT) + " " + text;
        }
    }
}
