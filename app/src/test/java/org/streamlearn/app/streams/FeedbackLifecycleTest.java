package org.streamlearn.app.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.streamlearn.app.events.EventParser;
import org.streamlearn.app.events.ParsedEvent;

/** {@link ModelLifecycle}'s delayed labels without a broker: the {@link PendingStore} over in-memory stores. */
class FeedbackLifecycleTest extends LifecycleFixture {

    /** The real {@link PendingStore} over Kafka Streams' in-memory stores (no changelog), with both stores at hand. */
    static final class InMemoryPending {
        final KeyValueStore<String, byte[]> entries = store(PendingStore.entriesName("t"), Serdes.String());
        final KeyValueStore<Bytes, byte[]> index = store(PendingStore.indexName("t"), Serdes.Bytes());
        final PendingStore pending = new PendingStore(entries, index);

        private static <K> KeyValueStore<K, byte[]> store(String name, Serde<K> keys) {
            KeyValueStore<K, byte[]> s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys,
                    Serdes.ByteArray()).withLoggingDisabled().build();
            s.init(new MockProcessorContext<>().getStateStoreContext(), s);
            return s;
        }

        List<String> keys() {
            List<String> out = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> it = entries.all()) {
                it.forEachRemaining(kv -> out.add(kv.key));
            }
            return out;
        }

        long indexed() {
            return index.approximateNumEntries();
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
        InMemoryPending pending = new InMemoryPending();
        ModelLifecycle l = new ModelLifecycle(settings(), models, pending.pending);
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
        assertThat(pending.keys()).containsExactlyInAnyOrder(PendingPrediction.countersKey("m"),
                PendingPrediction.delaysKey("m"));
        assertThat(entries(l.onLabel("m", label("a", 1), 5, 130))).singleElement()
                .extracting(Entry::reason).asString().startsWith("id: unknown id 'a'");
    }

    @Test
    void expiryIsIncrementalAndInTimeOrder() {
        InMemoryPending pending = new InMemoryPending();
        ModelLifecycle l = new ModelLifecycle(settings(), models, pending.pending);
        l.onCommand("m", upsert(SPEC), 0);
        for (int i = 0; i < 5; i++) {
            l.onRequest("m", EventParser.parseRequest("{\"id\":\"p" + i + "\",\"features\":[1,2]}"), 1, 10 * i);
        }
        l.onStreamTime(100, 2); // nothing due: 0 + 100 is not passed yet
        assertThat(l.lastExpired()).isZero();
        l.onStreamTime(121, 3); // p0 (due 100), p1 (110), p2 (120)
        assertThat(l.lastExpired()).isEqualTo(3);
        assertThat(pending.indexed()).isEqualTo(5); // two pending, three markers
        assertThat(l.counters("m").expired()).isEqualTo(3);
        assertThat(l.counters("m").pending()).isEqualTo(2);
        assertThat(FeedbackJoin.modelOf(PendingPrediction.key("a:b", "c:d"))).isEqualTo("a:b");
    }

    @Test
    void expiryReadsOnlyWhatIsDueNeverTheWholeIndex() {
        InMemoryPending store = new InMemoryPending();
        long[] reads = {0};
        long[] scans = {0};
        @SuppressWarnings("unchecked")
        KeyValueStore<Bytes, byte[]> counted = (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    Object r = invoke(method, store.index, args);
                    if (!method.getName().equals("all")) {
                        return r;
                    }
                    scans[0]++;
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {KeyValueIterator.class},
                            (p, m, a) -> {
                                if (m.getName().equals("next")) {
                                    reads[0]++;
                                }
                                return invoke(m, r, a);
                            });
                });
        ModelLifecycle l = new ModelLifecycle(settings(), models, new PendingStore(store.entries, counted));
        l.onCommand("m", upsert(SPEC), 0);
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            l.onRequest("m", EventParser.parseRequest("{\"id\":\"p" + i + "\",\"features\":[1,2]}"), 1, i);
        }
        l.onStreamTime(103, 2); // p0, p1, p2 are due (0 + 100, 1 + 100, 2 + 100)
        assertThat(l.lastExpired()).isEqualTo(3);
        assertThat(reads[0]).as("index entries read").isEqualTo(4); // the three due, and the first not due
        l.onStreamTime(103, 3); // nothing more is due: the cached earliest time spares the iterator
        l.onStreamTime(103, 4);
        assertThat(scans[0]).isEqualTo(1);
        l.onStreamTime(105, 5); // p3, p4
        assertThat(l.lastExpired()).isEqualTo(2);
        assertThat(reads[0]).isEqualTo(4 + 3);
        assertThat(l.counters("m").pending()).isEqualTo(n - 5);
    }

    private static Object invoke(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
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
