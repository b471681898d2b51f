package org.streamlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.streamlearn.core.testing.ReferenceCases;

/** Every case of shared/reference/cases.json through the public API, at the reference's tolerance. */
class ReferenceCasesTest {

    static Stream<Arguments> cases() {
        return ReferenceCases.cases().stream().map(c -> Arguments.of(Named.of(c.get("name").asText(), c)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesTheReference(JsonNode c) {
        JsonNode spec = c.get("spec");
        JsonNode expected = c.get("expected");
        List<ReferenceCases.Event> events = ReferenceCases.events(c.get("dataset").asText());
        OnlineLearner learner = OnlineLearner.create(ReferenceCases.config(spec));
        List<String> errors = new ArrayList<>();
        int i = 0;
        for (ReferenceCases.Event e : events) {
            i++;
            String key = String.valueOf(i);
            JsonNode pred = expected.get("predictions").get(key);
            if (pred != null) {
                Prediction p = learner.predict(e.x());
                checkPrediction(spec, pred, p, "prediction " + key, errors);
            }
            learner.learn(e.x(), e.y());
            JsonNode snap = expected.get("snapshots").get(key);
            if (snap != null && i < events.size()) {
                checkSnapshot(learner, snap, "snapshot " + key, errors);
            }
        }
        learner.flush();
        checkSnapshot(learner, expected.get("snapshots").get("end"), "snapshot end", errors);
        LearnerState s = learner.state();
        assertThat(s.seen()).isEqualTo(expected.get("events").asLong());
        assertThat(s.steps()).isEqualTo(expected.get("steps").asLong());
        JsonNode m = expected.get("metrics");
        m.fieldNames().forEachRemaining(name -> {
            double actual = switch (name) {
                case "mse" -> s.metrics().mse();
                case "mae" -> s.metrics().mae();
                case "logLoss" -> s.metrics().logLoss();
                case "accuracy" -> s.metrics().accuracy();
                case "correct" -> s.metrics().correct();
                case "precision" -> s.metrics().precision();
                case "recall" -> s.metrics().recall();
                case "f1" -> s.metrics().f1();
                default -> throw new IllegalArgumentException(name);
            };
            num(actual, m.get(name).asDouble(), "metrics." + name, errors);
        });
        JsonNode scaler = expected.get("scaler");
        if (scaler != null) {
            for (int j = 0; j < s.scaler().dimension(); j++) {
                num(s.scaler().count()[j], scaler.get("count").get(j).asDouble(), "scaler.count", errors);
                num(s.scaler().mean()[j], scaler.get("mean").get(j).asDouble(), "scaler.mean", errors);
                num(s.scaler().variance()[j], scaler.get("variance").get(j).asDouble(), "scaler.variance", errors);
            }
        }
        if (!errors.isEmpty()) {
            fail(errors.size() + " mismatches, first: \n" + String.join("\n", errors.subList(0,
                    Math.min(10, errors.size()))));
        }
    }

    private static void checkPrediction(JsonNode spec, JsonNode pred, Prediction p, String where,
            List<String> errors) {
        switch (spec.get("task").asText()) {
            case "regression" -> num(p.scores()[0], pred.get("score").asDouble(), where + ".score", errors);
            case "binary" -> {
                num(p.scores()[0], pred.get("score").asDouble(), where + ".score", errors);
                num(p.probabilities()[1], pred.get("probability").asDouble(), where + ".probability", errors);
                exact(p.value(), pred.get("label").asDouble(), where + ".label", errors);
            }
            default -> {
                for (int j = 0; j < p.scores().length; j++) {
                    num(p.scores()[j], pred.get("scores").get(j).asDouble(), where + ".scores", errors);
                    num(p.probabilities()[j], pred.get("probabilities").get(j).asDouble(), where + ".probabilities",
                            errors);
                }
                exact(p.value(), pred.get("label").asDouble(), where + ".label", errors);
            }
        }
    }

    private static void checkSnapshot(OnlineLearner learner, JsonNode snap, String where, List<String> errors) {
        LearnerState s = learner.state();
        exact(s.seen(), snap.get("seen").asDouble(), where + ".seen", errors);
        exact(s.steps(), snap.get("steps").asDouble(), where + ".steps", errors);
        double[] w = s.params();
        int d = learner.config().features();
        JsonNode ew = snap.get("weights");
        JsonNode eb = snap.get("intercept");
        if (ew.get(0).isArray()) {
            for (int c = 0; c < ew.size(); c++) {
                for (int j = 0; j < d; j++) {
                    num(w[c * d + j], ew.get(c).get(j).asDouble(), where + ".weights[" + c + "][" + j + "]", errors);
                }
                num(w[ew.size() * d + c], eb.get(c).asDouble(), where + ".intercept[" + c + "]", errors);
            }
        } else {
            for (int j = 0; j < d; j++) {
                num(w[j], ew.get(j).asDouble(), where + ".weights[" + j + "]", errors);
            }
            num(w[d], eb.asDouble(), where + ".intercept", errors);
        }
    }

    private static void num(double actual, double expected, String where, List<String> errors) {
        if (!ReferenceCases.close(actual, expected)) {
            errors.add(where + ": expected " + expected + " got " + actual + " (diff " + (actual - expected) + ")");
        }
    }

    private static void exact(double actual, double expected, String where, List<String> errors) {
        if (actual != expected) {
            errors.add(where + ": expected " + expected + " got " + actual);
        }
    }
}
