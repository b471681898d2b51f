package org.streamlearn.app.streams;

import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ModelIds;

/** The record-key rule of every input: the key is a valid model id, equal to the input's {@code model} field. */
final class RecordKeys {

    private RecordKeys() {
    }

    /**
     * Checks the record key of an input: a valid model id, and equal to the input's {@code model} field when it
     * has one. On failure adds the rejection (its key bounded for display) and returns false.
     */
    static boolean accept(Emissions out, String key, String modelField, String what) {
        String problem = problem(key, modelField, what);
        if (problem == null) {
            return true;
        }
        out.reject(ModelIds.display(key), problem.startsWith("model:") ? "model" : "key", problem);
        return false;
    }

    /** What is wrong with the key of an input (see {@link #accept}), or null. */
    static String problem(String key, String modelField, String what) {
        if (key == null) {
            return "key: null; key the record by its model id" + (what.equals("command") ? ""
                    : " (the " + what + "'s \"model\" field is honoured only when it equals the record key)")
                    + (modelField == null ? ""
                    : "; the " + what + " names model \"" + ModelIds.display(modelField) + "\"");
        }
        try {
            ModelIds.check(key, "key");
        } catch (InvalidEventException ex) {
            return ex.getMessage();
        }
        if (modelField != null && !modelField.equals(key)) {
            return "model: \"" + ModelIds.display(modelField) + "\" differs from the record key \"" + key + "\"";
        }
        return null;
    }
}
