package org.streamlearn.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code cache.max.models}: {@code auto} sizes the cache per task from the heap and the partitions. */
class CacheSizingTest {

    private static final long GIB = 1L << 30;

    @Test
    void autoGivesTheModelsAShareOfTheHeapSplitOverThePartitions() {
        // 40 % of 3 GiB at 12 KiB per model is 104,857 models; over 4 partitions 26,214 per task
        assertThat(CacheSizing.perTask(3 * GIB, 4)).isEqualTo(26_214);
        assertThat(CacheSizing.perTask(3 * GIB, 1)).isEqualTo(104_857);
        assertThat(CacheSizing.perTask(2 * GIB, 4)).isEqualTo(17_476);
        // a small heap keeps the floor; a huge one does not overflow
        assertThat(CacheSizing.perTask(64L << 20, 4)).isEqualTo(CacheSizing.MIN_PER_TASK);
        assertThat(CacheSizing.perTask(Long.MAX_VALUE, 1)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void theDefaultIsAutoForThisJvmAndANumberOverridesIt() {
        Map<String, String> ok = new HashMap<>(Map.of("bootstrap.servers", "h:1", "topics.partitions", "8"));
        assertThat(ConfigLoader.load(null, Map.of(), ok).maxCachedModels())
                .isEqualTo(CacheSizing.perTask(Runtime.getRuntime().maxMemory(), 8));
        ok.put("cache.max.models", "500");
        assertThat(ConfigLoader.load(null, Map.of(), ok).maxCachedModels()).isEqualTo(500);
        ok.put("cache.max.models", "lots");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), ok))
                .hasMessageStartingWith("cache.max.models: must be an integer or auto, got 'lots'");
        ok.put("cache.max.models", "0");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), ok))
                .hasMessageStartingWith("cache.max.models: must be >= 1");
    }
}
