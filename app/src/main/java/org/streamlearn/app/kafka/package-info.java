/**
 * Topic administration for the service.
 *
 * <p>{@link org.streamlearn.app.kafka.TopicAdmin} creates topics idempotently from {@link
 * org.streamlearn.app.kafka.TopicSpec}s and describes their partition counts. The local broker
 * behind {@code streamlearn demo} lives in its own module, {@code local-kafka}
 * ({@code org.streamlearn.kafka.local}).
 */
package org.streamlearn.app.kafka;
