package org.streamlearn.app.events;

import java.util.Map;

/**
 * A syntactically valid training event or prediction request, before it meets a spec.
 *
 * @param dense      dense features, or null when named
 * @param named      named features (hashed by the spec), or null when dense
 * @param label      numeric label (booleans as 0/1), NaN when absent or textual
 * @param labelText  textual label (a class name), or null
 * @param hasLabel   whether a label was present
 * @param weight     the event weight (default 1)
 * @param id         optional event / request id
 * @param model      optional model id (used when the record key is null)
 */
public record ParsedEvent(double[] dense, Map<String, Double> named, double label, String labelText,
        boolean hasLabel, double weight, String id, String model) {
}
