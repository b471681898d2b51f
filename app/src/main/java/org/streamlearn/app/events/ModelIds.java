package org.streamlearn.app.events;

/**
 * The one rule for a model id, wherever an id enters: the record key of every input topic, the {@code {id}} of
 * an HTTP path, the command line's {@code --model}. A model id is 1 to {@value #MAX_LENGTH} characters (Unicode
 * code points) of valid Unicode text with no control character (C0, DEL, C1). Because Kafka keys are decoded
 * leniently, a key that was not valid UTF-8 arrives with U+FFFD (the replacement character) where its bad bytes
 * stood; U+FFFD is therefore refused too, with a reason that says so, as is an unpaired surrogate.
 *
 * <p>{@link #display} bounds an id (or any untrusted text) for a log line, a reason or a dead letter.
 */
public final class ModelIds {

    /** The longest model id, in characters (code points). */
    public static final int MAX_LENGTH = 255;

    /** The most characters of an untrusted text that {@link #display} shows. */
    public static final int DISPLAY_CHARS = 256;

    /** Room for the "…(+N chars)" mark, so that showing a shown text again leaves it as it is. */
    private static final int SLACK = 24;

    private ModelIds() {
    }

    /**
     * What is wrong with {@code id} as a model id, or null when it is a valid one. The text does not repeat
     * the id (which may be huge); {@link #check} adds a bounded rendering of it.
     */
    public static String problem(String id) {
        if (id == null) {
            return "missing";
        }
        if (id.isEmpty()) {
            return "empty (a model id has 1 to " + MAX_LENGTH + " characters)";
        }
        int n = id.length();
        if (n > 2 * MAX_LENGTH || id.codePointCount(0, n) > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters (" + id.codePointCount(0, n) + ")";
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c)) {
                return String.format(java.util.Locale.ROOT, "control character U+%04X at index %d", (int) c, i);
            }
            if (c == '\uFFFD') {
                return "not valid UTF-8 (U+FFFD, the replacement character, at index " + i + ")";
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "not valid Unicode (an unpaired surrogate at index " + i + ")";
            }
        }
        return null;
    }

    /** Whether {@code id} is a valid model id. */
    public static boolean isValid(String id) {
        return problem(id) == null;
    }

    /**
     * Returns {@code id} when it is a valid model id.
     *
     * @param field what the id is ({@code key}, {@code path}, {@code --model}), named in the error
     * @throws InvalidEventException naming {@code field}, the problem and (bounded) the id
     */
    public static String check(String id, String field) {
        String p = problem(id);
        if (p != null) {
            throw new InvalidEventException(field, "not a valid model id: " + p
                    + (id == null || id.isEmpty() ? "" : " in \"" + display(id) + "\""));
        }
        return id;
    }

    /**
     * {@code text} bounded for a log line, a reason or a record key: at most {@value #DISPLAY_CHARS}
     * characters, control characters shown as {@code \\uXXXX}; a longer text is cut and ends with
     * {@code …(+N chars)}. Null stays null.
     */
    public static String display(String text) {
        if (text == null) {
            return null;
        }
        int n = text.length();
        boolean clean = n <= DISPLAY_CHARS + SLACK;
        for (int i = 0; clean && i < n; i++) {
            clean = !Character.isISOControl(text.charAt(i));
        }
        if (clean) {
            return text;
        }
        int end = Math.min(n, DISPLAY_CHARS);
        if (end < n && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        StringBuilder b = new StringBuilder(end + 24);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (end < n) {
            b.append("…(+").append(n - end).append(" chars)");
        }
        return b.toString();
    }
}
