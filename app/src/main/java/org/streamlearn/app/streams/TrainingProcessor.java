package org.streamlearn.app.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.InvalidEventException;
import org.streamlearn.app.events.ParsedEvent;
import org.streamlearn.core.model.Outcome;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;
import org.streamlearn.store.state.JsonStateCodec;
import org.streamlearn.store.state.ModelState;

/**
 * Learns from {@code training-events} and applies {@code model-commands}, one model per key, in the
 * {@link ModelStore}. A thin adapter: read the live model, {@code learn}, mark it dirty, forward outputs.
 *
 * <p>Per event: parse; find or create the model (a seeded spec for its id, else the default spec with the
 * event's dimension); progressive validation and learning ({@link org.streamlearn.core.model.OnlineLearner});
 * every {@code publishEvery} optimizer steps a snapshot to {@code model-parameters}; every
 * {@code metricsEveryEvents} events the rolling loss to {@code model-metrics}. Anything unusable goes to
 * {@code dead-letter} with the field and the reason, and leaves the model untouched; a step refused by the
 * divergence guard is reported there too. Two wall-clock punctuators publish the rolling loss of models that
 * learned since their last publication and apply mini-batches whose {@code maxDelayMs} ran out.
 */
public final class TrainingProcessor implements Processor<String, byte[], String, byte[]> {

    private final TopologyFactory.Settings settings;
    private ProcessorContext<String, byte[]> context;
    private ModelStore store;

    TrainingProcessor(TopologyFactory.Settings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(settings.storeName());
        if (settings.metricsIntervalMs() > 0) {
            context.schedule(Duration.ofMillis(settings.metricsIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                    this::publishMetrics);
        }
        context.schedule(Duration.ofMillis(settings.batchCheckIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                this::flushExpiredBatches);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        if (topic.equals(settings.topics().modelCommands())) {
            command(record);
        } else {
            train(record);
        }
    }

    private void train(Record<String, byte[]> record) {
        long now = context.currentSystemTimeMs();
        String key = record.key();
        ParsedEvent e;
        try {
            e = EventParser.parseTraining(record.value());
        } catch (InvalidEventException ex) {
            deadLetter(key, ex.field(), ex.getMessage(), record, now);
            return;
        }
        String id = key;
        if (id == null) {
            id = e.model();
            if (id == null) {
                deadLetter(null, "key", "key: null and the event has no \"model\" field", record, now);
                return;
            }
        } else if (e.model() != null && !e.model().equals(id)) {
            deadLetter(id, "model", "model: \"" + e.model() + "\" differs from the record key \"" + id + "\"",
                    record, now);
            return;
        }
        LiveModel m = store.model(id);
        if (m == null) {
            ModelState created;
            try {
                created = ModelState.create(id, specForNewModel(id, e), now);
            } catch (InvalidEventException ex) {
                deadLetter(id, ex.field(), ex.getMessage(), record, now);
                return;
            }
            m = store.save(created);
            publishSnapshot(m.state(), now);
        }
        ModelState s = m.state();
        Outcome o;
        try {
            o = m.encoder().learn(s.learner(), e);
        } catch (InvalidEventException ex) {
            deadLetter(id, ex.field(), ex.getMessage(), record, now);
            return;
        }
        s.touch(now);
        int open = s.learned().batchCount();
        if (open == 1 && s.batchStartedAtMs() == 0) {
            s.setBatchStartedAtMs(now);
        } else if (open == 0) {
            s.setBatchStartedAtMs(0);
        }
        store.markDirty(m);
        if (o.refused()) {
            deadLetter(id, "gradient", "divergence guard: " + o.refusal() + "; the model kept its last finite state",
                    record, now);
        }
        if (o.stepped() && s.learned().steps() % s.spec().publishEvery() == 0) {
            publishSnapshot(s, now);
        }
        if (s.learned().seen() % settings.metricsEveryEvents() == 0) {
            publishMetrics(m, now);
        }
    }

    private ModelSpec specForNewModel(String id, ParsedEvent e) {
        ModelSpec seeded = settings.seedSpecs().get(id);
        if (seeded != null) {
            return seeded;
        }
        ObjectNode t = settings.defaultSpec().deepCopy();
        if (!t.has("features") && !t.has("hashBits")) {
            if (e.dense() == null) {
                throw new InvalidEventException("features", "named features need a spec with hashBits: send an "
                        + "upsert command for model '" + id + "' first, or set hashBits in the default spec");
            }
            t.put("features", e.dense().length);
        }
        try {
            return ModelSpecs.fromTree(t);
        } catch (SpecException ex) {
            throw new InvalidEventException("default.spec", ex.getMessage());
        }
    }

    private void command(Record<String, byte[]> record) {
        long now = context.currentSystemTimeMs();
        String id = record.key();
        if (id == null) {
            deadLetter(null, "key", "key: a model command needs the model id as its record key", record, now);
            return;
        }
        ModelCommand c;
        try {
            c = ModelCommand.parse(record.value());
        } catch (InvalidEventException ex) {
            deadLetter(id, ex.field(), ex.getMessage(), record, now);
            return;
        }
        LiveModel m = store.model(id);
        switch (c.type()) {
            case UPSERT -> {
                if (m == null) {
                    m = store.save(ModelState.create(id, c.spec(), now));
                    m.state().touch(now);
                } else if (!m.state().spec().equals(c.spec())) {
                    m = store.save(m.state().withSpec(c.spec(), now));
                } else {
                    return;
                }
                publishSnapshot(m.state(), now);
            }
            case RESET -> {
                if (m == null) {
                    deadLetter(id, "model", "model: no model '" + id + "' to reset", record, now);
                    return;
                }
                m = store.save(m.state().reset(now));
                m.metricsPublishedAtSeen = 0;
                publishSnapshot(m.state(), now);
            }
            case DELETE -> {
                if (m == null) {
                    deadLetter(id, "model", "model: no model '" + id + "' to delete", record, now);
                    return;
                }
                store.remove(id);
                context.forward(new Record<String, byte[]>(id, null, now), TopologyFactory.PARAMETERS_SINK);
            }
            case FLUSH, PUBLISH -> {
                if (m == null) {
                    deadLetter(id, "model", "model: no model '" + id + "'", record, now);
                    return;
                }
                ModelState s = m.state();
                if (c.type() == ModelCommand.Type.FLUSH && s.learned().batchCount() > 0) {
                    s.learner().flush();
                    s.setBatchStartedAtMs(0);
                    s.touch(now);
                    store.markDirty(m);
                }
                publishSnapshot(s, now);
                publishMetrics(m, now);
            }
            default -> throw new IllegalStateException();
        }
    }

    private void publishSnapshot(ModelState s, long now) {
        byte[] json;
        try {
            json = JsonStateCodec.toBytes(s);
        } catch (IllegalArgumentException ex) {
            context.forward(new Record<>(s.modelId(), Outputs.bytes(Outputs.deadLetter(s.modelId(), "", -1, -1,
                    "snapshot", "snapshot not published: " + ex.getMessage(), null, now)), now),
                    TopologyFactory.DEAD_LETTER_SINK);
            return;
        }
        context.forward(new Record<>(s.modelId(), json, now), TopologyFactory.PARAMETERS_SINK);
    }

    private void publishMetrics(LiveModel m, long now) {
        m.metricsPublishedAtSeen = m.state().learned().seen();
        context.forward(new Record<>(m.state().modelId(), Outputs.bytes(Outputs.metrics(m.state(), now)), now),
                TopologyFactory.METRICS_SINK);
    }

    private void publishMetrics(long now) {
        for (LiveModel m : store.cached()) {
            if (m.state().learned().seen() > m.metricsPublishedAtSeen) {
                publishMetrics(m, now);
            }
        }
    }

    private void flushExpiredBatches(long now) {
        List<String> done = new ArrayList<>();
        for (Iterator<String> it = store.openBatches().iterator(); it.hasNext();) {
            String id = it.next();
            LiveModel m = store.model(id);
            if (m == null || m.state().batchStartedAtMs() == 0) {
                done.add(id);
                continue;
            }
            ModelState s = m.state();
            long maxDelay = s.spec().update().maxDelayMs();
            if (maxDelay > 0 && now - s.batchStartedAtMs() >= maxDelay) {
                s.learner().flushOnTimer();
                s.setBatchStartedAtMs(0);
                s.touch(now);
                store.markDirty(m);
                done.add(id);
                if (s.learned().steps() % s.spec().publishEvery() == 0) {
                    publishSnapshot(s, now);
                }
            }
        }
        store.openBatches().removeAll(done);
    }

    private void deadLetter(String model, String field, String reason, Record<String, byte[]> record, long now) {
        RecordMetadata md = context.recordMetadata().orElse(null);
        ObjectNode o = Outputs.deadLetter(model, md == null ? "" : md.topic(), md == null ? -1 : md.partition(),
                md == null ? -1 : md.offset(), field, reason, record.value(), now);
        RecordHeaders h = new RecordHeaders();
        h.add("streamlearn.reason", reason.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        context.forward(new Record<>(model, Outputs.bytes(o), now, h), TopologyFactory.DEAD_LETTER_SINK);
    }
}
