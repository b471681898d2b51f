package org.streamlearn.app.streams;

import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds a {@link ModelStore} over a persistent, changelogged key-value store. Kafka Streams' own record cache
 * is always off for the inner store: the model store's live cache replaces it.
 */
public final class ModelStoreBuilder implements StoreBuilder<ModelStore> {

    private final StoreBuilder<KeyValueStore<String, byte[]>> inner;
    private final int capacity;

    /** A builder for store {@code name} caching up to {@code capacity} live models per task. */
    public ModelStoreBuilder(String name, int capacity) {
        this.inner = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(),
                Serdes.ByteArray()).withCachingDisabled().withLoggingEnabled(Map.of());
        this.capacity = capacity;
    }

    @Override
    public StoreBuilder<ModelStore> withCachingEnabled() {
        return this;
    }

    @Override
    public StoreBuilder<ModelStore> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<ModelStore> withLoggingEnabled(Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<ModelStore> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
    }

    @Override
    public ModelStore build() {
        return new ModelStore(inner.build(), capacity);
    }

    @Override
    public Map<String, String> logConfig() {
        return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return inner.loggingEnabled();
    }

    @Override
    public String name() {
        return inner.name();
    }
}
