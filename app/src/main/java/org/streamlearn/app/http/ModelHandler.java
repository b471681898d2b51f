package org.streamlearn.app.http;

import org.streamlearn.app.streams.ReplicaProgress;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.streamlearn.app.streams.FeedbackCounters;
import org.streamlearn.store.json.Json;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.StateLimits;

/**
 * One model, {@code /models/{id}}: {@code GET} its snapshot (JSON, as on {@code model-parameters}, served by
 * the owner, or from a standby marked {@code "stale": true} with {@code "lagRecords"}; for a model with
 * feedback, with a {@code "feedback"} object of its counters, label-delay quantiles and served loss, as on
 * {@code model-metrics}); {@code PUT} a spec,
 * validated (the topology's {@link StateLimits} included) and sent as an {@code upsert} command;
 * {@code POST .../reset} and
 * {@code DELETE} the other commands. Commands are answered 202 once Kafka has them.
 */
final class ModelHandler {

    private final CommandClient commands;
    private final StateLimits limits;
    private final LocalModels local;

    ModelHandler(CommandClient commands, StateLimits limits, LocalModels local) {
        this.commands = commands;
        this.limits = limits;
        this.local = local;
    }

    void snapshot(Request r, ModelSource source) throws IOException {
        ModelSource.Served served = source.find(r.id());
        if (served == null) {
            throw unknown(r.id());
        }
        ModelCache.Decoded d = served.model();
        byte[] json;
        boolean feedback;
        synchronized (d) {
            json = JsonStateCodec.toBytes(d.state());
            feedback = d.state().spec().feedback() != null;
        }
        if (served.stale() || feedback || served.replicas() != null) {
            ObjectNode o = (ObjectNode) Json.MAPPER.readTree(json);
            if (feedback) {
                Function<String, byte[]> pending = local.pending(served.stale());
                FeedbackCounters.read(pending, r.id()).putJson(o.putObject("feedback"),
                        FeedbackCounters.readDelays(pending, r.id()));
            }
            if (served.stale()) {
                o.put("stale", true);
                o.put("lagRecords", served.lagRecords());
            }
            if (served.replicas() != null) {
                o.set("replicaProgress", progress(r.id(), served.replicas()));
            }
            json = Json.MAPPER.writeValueAsBytes(o);
        }
        Responses.bytes(r.exchange(), 200, Responses.JSON, json);
    }

    void upsert(Request r) throws IOException {
        ObjectNode cmd = command("upsert");
        try {
            ModelSpec spec = ModelSpecs.parse(new String(r.body(), StandardCharsets.UTF_8));
            limits.check(r.id(), spec); // what the topology would refuse is refused here: 202 means accepted
            cmd.set("spec", ModelSpecs.toJson(spec));
        } catch (SpecException e) {
            throw new HttpError(400, e.field().isEmpty() ? "spec" : e.field(), e.getMessage());
        }
        accept(r, cmd);
    }

    void reset(Request r) throws IOException {
        accept(r, command("reset"));
    }

    void delete(Request r) throws IOException {
        accept(r, command("delete"));
    }

    /** {@code {"mergedRounds": n, "replicas": [{"replica", "reportedRounds", "seen", "lastAdoptedRound"}]}}. */
    private static ObjectNode progress(String model, ReplicaProgress p) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("mergedRounds", p.mergedRounds());
        var list = o.putArray("replicas");
        for (int i = 0; i < p.seen().length; i++) {
            ObjectNode r = list.addObject();
            r.put("replica", model + "#r" + i);
            r.put("reportedRounds", p.reportedRounds()[i]);
            r.put("seen", p.seen()[i]);
            r.put("lastAdoptedRound", p.lastAdoptedRound(i));
        }
        return o;
    }

    static HttpError unknown(String id) {
        return new HttpError(404, "model", "unknown model '" + id + "'");
    }

    private static ObjectNode command(String name) {
        ObjectNode cmd = Json.MAPPER.createObjectNode();
        cmd.put("command", name);
        return cmd;
    }

    private void accept(Request r, ObjectNode cmd) throws IOException {
        commands.send(r.id(), cmd);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("model", r.id());
        o.put("accepted", cmd.get("command").asText());
        Responses.json(r.exchange(), 202, o);
    }
}
