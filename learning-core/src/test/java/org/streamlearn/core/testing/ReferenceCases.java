package org.streamlearn.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.streamlearn.core.loss.HuberLoss;
import org.streamlearn.core.loss.LogLoss;
import org.streamlearn.core.loss.SquaredLoss;
import org.streamlearn.core.model.LearnerConfig;
import org.streamlearn.core.model.Task;
import org.streamlearn.core.optim.AdaGrad;
import org.streamlearn.core.optim.Adam;
import org.streamlearn.core.optim.Ftrl;
import org.streamlearn.core.optim.Momentum;
import org.streamlearn.core.optim.Nesterov;
import org.streamlearn.core.optim.Optimizer;
import org.streamlearn.core.optim.RmsProp;
import org.streamlearn.core.optim.Sgd;
import org.streamlearn.core.schedule.LearningRateSchedule;

/** Loads testdata/reference (a verbatim copy of shared/reference: cases and datasets) for the core's tests. */
public final class ReferenceCases {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferenceCases() {
    }

    /** The shared reference folder, found upwards from the working directory. */
    public static Path folder() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolve("testdata/reference/cases.json");
            if (Files.exists(candidate)) {
                return candidate.getParent();
            }
        }
        throw new IllegalStateException("testdata/reference/cases.json not found above " + dir);
    }

    /** Every case of cases.json. */
    public static List<JsonNode> cases() {
        try {
            JsonNode root = JSON.readTree(folder().resolve("cases.json").toFile());
            List<JsonNode> out = new ArrayList<>();
            root.get("cases").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One event of a dataset. */
    public record Event(double[] x, double y) {
    }

    /** The events of a dataset path relative to the reference folder. */
    public static List<Event> events(String dataset) {
        try {
            List<Event> out = new ArrayList<>();
            for (String line : Files.readAllLines(folder().resolve(dataset))) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                JsonNode f = n.get("features");
                double[] x = new double[f.size()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = f.get(i).doubleValue();
                }
                out.add(new Event(x, n.get("label").doubleValue()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A learner configuration from a reference spec (the reference uses every field explicitly). */
    public static LearnerConfig config(JsonNode spec) {
        Task task = Task.valueOf(spec.get("task").asText().toUpperCase(java.util.Locale.ROOT));
        LearnerConfig.Builder b = LearnerConfig.builder(task, spec.get("features").asInt());
        if (task == Task.MULTICLASS) {
            b.classes(spec.get("classes").asInt());
        }
        switch (spec.get("loss").asText()) {
            case "squared" -> b.loss(SquaredLoss.INSTANCE);
            case "huber" -> b.loss(new HuberLoss(spec.path("huberDelta").asDouble(1.0)));
            case "log" -> b.loss(LogLoss.INSTANCE);
            case "cross_entropy" -> { }
            default -> throw new IllegalArgumentException(spec.get("loss").asText());
        }
        JsonNode o = spec.get("optimizer");
        double lr = o.path("learningRate").asDouble(0.01);
        Optimizer opt = switch (o.get("type").asText()) {
            case "sgd" -> new Sgd();
            case "momentum" -> new Momentum(o.get("momentum").asDouble());
            case "nesterov" -> new Nesterov(o.get("momentum").asDouble());
            case "adagrad" -> new AdaGrad(o.get("epsilon").asDouble());
            case "rmsprop" -> new RmsProp(o.get("rho").asDouble(), o.get("epsilon").asDouble());
            case "adam" -> new Adam(o.get("beta1").asDouble(), o.get("beta2").asDouble(), o.get("epsilon").asDouble());
            case "ftrl" -> new Ftrl(o.get("alpha").asDouble(), o.get("beta").asDouble(), o.get("l1").asDouble(),
                    o.get("l2").asDouble());
            default -> throw new IllegalArgumentException(o.get("type").asText());
        };
        b.optimizer(opt);
        JsonNode s = spec.get("schedule");
        b.schedule(switch (s.get("type").asText()) {
            case "constant" -> new LearningRateSchedule.Constant(lr);
            case "exponential" -> new LearningRateSchedule.Exponential(lr, s.get("decay").asDouble());
            case "step" -> new LearningRateSchedule.Step(lr, s.get("factor").asDouble(), s.get("every").asLong());
            case "inverse" -> new LearningRateSchedule.Inverse(lr, s.get("power").asDouble());
            default -> throw new IllegalArgumentException(s.get("type").asText());
        });
        JsonNode ilr = spec.get("interceptLearningRate");
        b.interceptLearningRate(ilr == null || ilr.isNull() ? Double.NaN : ilr.asDouble());
        b.l2(spec.get("l2").asDouble());
        b.l1(spec.get("l1").asDouble());
        JsonNode clip = spec.get("clipNorm");
        b.clipNorm(clip == null || clip.isNull() ? Double.NaN : clip.asDouble());
        b.standardize(spec.get("standardize").asBoolean());
        JsonNode u = spec.get("update");
        b.batchSize("minibatch".equals(u.get("mode").asText()) ? u.get("batchSize").asInt() : 1);
        return b.build();
    }

    /** The reference's tolerance: {@code |a − e| <= 1e-9·|e| + 1e-12}. */
    public static boolean close(double actual, double expected) {
        return Math.abs(actual - expected) <= 1e-9 * Math.abs(expected) + 1e-12;
    }
}
