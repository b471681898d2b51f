package org.streamlearn.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.streamlearn.app.config.Topics;

/**
 * Events kept in flight while the service is killed, restarted or failed over: a producer thread sends the models'
 * events interleaved (event {@code i} of every model, in the map's order, then {@code i + 1}), keyed by model, never
 * more than {@code window} events ahead of the committed progress; a watcher thread follows each model's committed
 * {@code seen} on {@code model-metrics} (read_committed). {@link #close()} stops both.
 */
public final class PacedStream implements AutoCloseable {

    private final Map<String, AtomicLong> learned = new ConcurrentHashMap<>();
    private final AtomicLong produced = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final int total;
    private final Thread watcher;
    private final Thread producerThread;

    private PacedStream(String bootstrap, Topics topics, KafkaProducer<String, String> producer,
            Map<String, List<String>> lines, int window) {
        lines.keySet().forEach(m -> learned.put(m, new AtomicLong()));
        total = lines.values().stream().mapToInt(List::size).sum();
        watcher = daemon("metrics-watcher", () -> watch(bootstrap, topics.modelMetrics()));
        producerThread = daemon("event-producer", () -> produce(producer, topics.trainingEvents(), lines, window));
    }

    /** Starts the watcher, then the producer, of the events {@code lines} (per model, all of one length). */
    public static PacedStream start(String bootstrap, Topics topics, KafkaProducer<String, String> producer,
            Map<String, List<String>> lines, int window) {
        PacedStream stream = new PacedStream(bootstrap, topics, producer, lines, window);
        stream.watcher.start();
        stream.producerThread.start();
        return stream;
    }

    /** The committed {@code seen} of {@code model}, as last read. */
    public long learned(String model) {
        return learned.get(model).get();
    }

    /** The committed {@code seen}, summed over the models. */
    public long learned() {
        return learned.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** How many events were handed to the producer so far. */
    public long produced() {
        return produced.get();
    }

    /** Whether the producer failed. */
    public boolean failed() {
        return failure.get() != null;
    }

    /** Waits for the producer to finish; asserts that it did, without failure, having sent every event. */
    public void awaitProduced(Duration timeout) throws InterruptedException {
        producerThread.join(timeout.toMillis());
        assertThat(producerThread.isAlive()).as("producer still running").isFalse();
        assertThat(failure.get()).as("producer failure").isNull();
        assertThat(produced.get()).isEqualTo(total);
    }

    /** Stops the producer and the watcher, waiting up to 10 s for each. */
    @Override
    public void close() {
        running.set(false);
        try {
            producerThread.join(10_000);
            watcher.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void watch(String bootstrap, String topic) {
        try (TopicReader metrics = new TopicReader(bootstrap, topic)) {
            while (running.get()) {
                for (ConsumerRecord<String, String> r : metrics.poll(Duration.ofMillis(200))) {
                    AtomicLong a = learned.get(r.key());
                    if (a != null && r.value() != null) {
                        a.accumulateAndGet(Json.parse(r.value()).path("seen").asLong(), Math::max);
                    }
                }
            }
        }
    }

    private void produce(KafkaProducer<String, String> producer, String topic, Map<String, List<String>> lines,
            int window) {
        int perModel = lines.values().iterator().next().size();
        try {
            for (int i = 0; i < perModel && failure.get() == null; i++) {
                while (produced.get() - learned() >= window) {
                    if (!running.get()) {
                        return;
                    }
                    LockSupport.parkNanos(2_000_000); // pacing, not synchronisation
                }
                for (Map.Entry<String, List<String>> e : lines.entrySet()) {
                    producer.send(new ProducerRecord<>(topic, e.getKey(), e.getValue().get(i)), (md, ex) -> {
                        if (ex != null) {
                            failure.compareAndSet(null, ex);
                        }
                    });
                    produced.incrementAndGet();
                }
            }
            producer.flush();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
