package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import java.util.List;
import org.streamlearn.core.drift.Adwin;
import org.streamlearn.core.drift.DriftConfig;
import org.streamlearn.core.drift.PageHinkley;

/**
 * A model's drift detection (DESIGN.md "Drift detection"): the detector and its parameters, the signal it
 * watches and what a detection does. JSON:
 *
 * <pre>{@code
 * "drift": {"detector": "adwin", "delta": 0.002, "clock": 32, "maxBuckets": 5, "gracePeriod": 10,
 *           "signal": "error", "action": "alert"}
 * "drift": {"detector": "page_hinkley", "minInstances": 30, "delta": 0.005, "threshold": 50,
 *           "alpha": 0.9999, "signal": "loss", "action": "reset"}
 * }</pre>
 *
 * Every field but {@code detector} has a default (the detector's parameters as DESIGN.md gives them, signal
 * {@code error}, action {@code alert}).
 *
 * @param detector the detector's configuration ({@link Adwin} or {@link PageHinkley}), validated by learning-core
 * @param signal   {@code error} (regression {@code |y − ŷ|}; classification 1 when the predicted class is wrong,
 *                 else 0) or {@code loss} (the event's loss)
 * @param action   {@code alert} (report only), {@code reset} (restart the model from zero with its spec) or
 *                 {@code promote} (the best challenger; needs challengers)
 */
public record DriftSpec(DriftConfig detector, String signal, String action) {

    /** Detector names. */
    public static final List<String> DETECTORS = List.of("adwin", "page_hinkley");
    /** Signals. */
    public static final List<String> SIGNALS = List.of("error", "loss");
    /** Actions. */
    public static final List<String> ACTIONS = List.of("alert", "reset", "promote");
    /** The parameter fields of ADWIN, in JSON order. */
    public static final List<String> ADWIN_FIELDS = List.of("delta", "clock", "maxBuckets", "gracePeriod");
    /** The parameter fields of Page-Hinkley, in JSON order. */
    public static final List<String> PAGE_HINKLEY_FIELDS = List.of("minInstances", "delta", "threshold", "alpha");

    /** Checks that every field is set and known. */
    public DriftSpec {
        CHECKS.required("drift.detector", detector);
        CHECKS.oneOf("drift.signal", signal, SIGNALS);
        CHECKS.oneOf("drift.action", action, ACTIONS);
    }

    /** Whether the signal is the event's loss (else its error). */
    public boolean lossSignal() {
        return signal.equals("loss");
    }

    /** The parameter fields of a detector. */
    static List<String> fieldsOf(String detector) {
        return detector.equals("adwin") ? ADWIN_FIELDS : PAGE_HINKLEY_FIELDS;
    }

    /**
     * Builds a detector's configuration, turning learning-core's argument errors ({@code "drift.delta: must be
     * ..."}) into a {@link SpecException} naming the field.
     */
    static DriftConfig config(String detector, double delta, int clock, int maxBuckets, int gracePeriod,
            long minInstances, double threshold, double alpha) {
        try {
            return detector.equals("adwin") ? new Adwin(delta, clock, maxBuckets, gracePeriod)
                    : new PageHinkley(minInstances, delta, threshold, alpha);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            int colon = message.indexOf(':');
            throw new SpecException(colon > 0 ? message.substring(0, colon) : "drift", message);
        }
    }
}
