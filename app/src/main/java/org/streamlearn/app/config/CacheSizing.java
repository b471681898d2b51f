package org.streamlearn.app.config;

/**
 * The default of {@code cache.max.models} ({@code auto}): live models kept decoded per task, sized from the heap.
 *
 * <p>A model that misses the cache is decoded from RocksDB, and a changed model evicted from it is encoded and
 * written, so a cache smaller than the models of a task costs a decode and often an encode per event; with
 * 100,000 models on 4 partitions a cache of 10,000 per task halved the rate against one that held every model
 * (docs/benchmarks.md, figure 2). {@code auto} gives the models {@value #HEAP_PERCENT} % of the maximum heap
 * ({@code -Xmx}), at {@value #BYTES_PER_MODEL} bytes per model (a model at d = 20 with Adam took 12.3 KB in
 * measurement; larger models take more), divided by the partitions of the input topics, since one instance may
 * hold every task; never fewer than {@value #MIN_PER_TASK} per task.
 */
public final class CacheSizing {

    /** The share of the maximum heap the model caches of one instance may take, in per cent. */
    public static final int HEAP_PERCENT = 40;
    /** The heap estimated per cached model. */
    public static final int BYTES_PER_MODEL = 12 * 1024;
    /** The floor per task. */
    public static final int MIN_PER_TASK = 1000;
    /** The value of {@code cache.max.models} that asks for this sizing. */
    public static final String AUTO = "auto";

    private CacheSizing() {
    }

    /** Live models per task for a maximum heap of {@code maxHeapBytes} and {@code partitions} tasks. */
    public static int perTask(long maxHeapBytes, int partitions) {
        long budget = maxHeapBytes / 100 * HEAP_PERCENT;
        long perTask = budget / BYTES_PER_MODEL / Math.max(1, partitions);
        return (int) Math.max(MIN_PER_TASK, Math.min(Integer.MAX_VALUE, perTask));
    }

    /** The same for this JVM's maximum heap. */
    public static int perTask(int partitions) {
        return perTask(Runtime.getRuntime().maxMemory(), partitions);
    }
}
