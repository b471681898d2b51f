package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.ParsedEvent;

/** {@link ModelLifecycle}'s delayed labels without a broker: the pending store over maps. */
class FeedbackLifecycleTest extends LifecycleFixture {

    /** The pending store's contract over sorted maps; counts how often the index is read. */
    static final class MapPending implements PendingPredictions {
        final Map<String, byte[]> entries = new TreeMap<>();
        final TreeMap<String, Long> index = new TreeMap<>();
        int polls;

        @Override
        public byte[] get(String key) {
            return entries.get(key);
        }

        @Override
        public void put(String key, byte[] value) {
            if (value == null) {
                entries.remove(key);
            } else {
                entries.put(key, value);
            }
        }

        @Override
        public void expireAt(long atMs, String key) {
            index.put(String.format("%020d", atMs) + key, atMs);
        }

        @Override
        public void pollDue(long streamTimeMs, int max, List<String> keys, List<Long> times) {
            polls++;
            while (!index.isEmpty() && index.firstEntry().getValue() < streamTimeMs && keys.size() < max) {
                var e = index.pollFirstEntry();
                keys.add(e.getKey().substring(20));
                times.add(e.getValue());
            }
        }
    }

    private static final String SPEC = "{\"task\":\"binary\",\"features\":2,\"optimizer\":{\"type\":\"sgd\","
            + "\"learningRate\":0.1},\"publishEvery\":1,\"feedback\":{\"ttlMs\":100}}";

    private static ParsedEvent label(String id, int y) {
        return FeedbackRecords.parseLabel(("{\"id\":\"" + id + "\",\"label\":" + y + "}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLabelScoresTheServedPredictionLearnsAndLeavesAMarker() {
        MapPending pending = new MapPending();
        ModelLifecycle l = new ModelLifecycle(settings(), models, pending);
        l.onCommand("m", upsert(SPEC), 0);
        l.onRequest("m", EventParser.parseRequest("{\"id\":\"a\",\"features\":[1,2]}"), 1, 10);
        assertThat(l.counters("m").pending()).isEqualTo(1);
        List<Entry> out = entries(l.onLabel("m", label("a", 1), 2, 20));
        assertThat(out).extracting(Entry::kind).containsExactly(Emissions.Kind.PARAMETERS);
        assertThat(models.model("m").state().learned().seen()).isEqualTo(1);
        assertThat(models.model("m").state().learned().metrics().count()).isEqualTo(1);
        assertThat(l.counters("m").matched()).isEqualTo(1);
        assertThat(entries(l.onLabel("m", label("a", 1), 3, 30))).singleElement()
                .extracting(Entry::reason).asString().isEqualTo("id: 'a' is already labelled");
        // the marker goes when stream time passes 20 + 100; then the id is unknown
        l.onStreamTime(121, 4);
        assertThat(pending.entries.keySet()).containsExactly(PendingPrediction.countersKey("m"));
        assertThat(entries(l.onLabel("m", label("a", 1), 5, 130))).singleElement()
                .extracting(Entry::reason).asString().startsWith("id: unknown id 'a'");
    }

    @Test
    void expiryIsIncrementalAndInTimeOrder() {
        MapPending pending = new MapPending();
        ModelLifecycle l = new ModelLifecycle(settings(), models, pending);
        l.onCommand("m", upsert(SPEC), 0);
        for (int i = 0; i < 5; i++) {
            l.onRequest("m", EventParser.parseRequest("{\"id\":\"p" + i + "\",\"features\":[1,2]}"), 1, 10 * i);
        }
        l.onStreamTime(100, 2); // nothing due: 0 + 100 is not passed yet
        assertThat(l.lastExpired()).isZero();
        l.onStreamTime(121, 3); // p0 (due 100), p1 (110), p2 (120)
        assertThat(l.lastExpired()).isEqualTo(3);
        assertThat(pending.index).hasSize(5); // two pending, three markers
        assertThat(l.counters("m").expired()).isEqualTo(3);
        assertThat(l.counters("m").pending()).isEqualTo(2);
        assertThat(FeedbackJoin.modelOf(PendingPrediction.key("a:b", "c:d"))).isEqualTo("a:b");
    }

    @Test
    void pendingPredictionsRoundTrip() {
        PendingPrediction dense = new PendingPrediction(PendingPrediction.PENDING, 5, 105, 3, 7,
                new double[] {0.25, -1e300}, new double[] {1, Double.MIN_VALUE}, null);
        PendingPrediction back = PendingPrediction.decode(dense.encode());
        assertThat(back.scores()).containsExactly(0.25, -1e300);
        assertThat(back.dense()).containsExactly(1, Double.MIN_VALUE);
        PendingPrediction named = new PendingPrediction(PendingPrediction.PENDING, 5, 105, 3, 7,
                new double[] {1}, null, Map.of("héllo", 2.5));
        assertThat(PendingPrediction.decode(named.encode()).named()).containsExactly(Map.entry("héllo", 2.5));
        assertThat(ByteBuffer.wrap(dense.marker(PendingPrediction.LABELLED, 9).encode()).get())
                .isEqualTo(PendingPrediction.LABELLED);
    }

    private TopologyFactory.Settings settings() {
        return new TopologyFactory.Settings(org.streamlearn.app.config.Topics.DEFAULT, TopologyFactory.STORE,
                org.streamlearn.app.config.ConfigLoader.specTemplate(
                        org.streamlearn.app.config.ConfigLoader.DEFAULT_SPEC, "default.spec"), Map.of(), 1000, 0,
                100, 10_000);
    }
}
