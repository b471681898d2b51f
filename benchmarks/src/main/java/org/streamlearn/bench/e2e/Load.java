package org.streamlearn.bench.e2e;

import java.io.IOException;

/** A constant-rate load on one server: in this JVM ({@link ConstantRateClient}) or in a child ({@link LoadProcess}). */
interface Load extends AutoCloseable {

    /** Sends {@code rate} requests/s for {@code seconds} s and waits for every answer. */
    ConstantRateClient.Result run(int rate, int seconds) throws Exception;

    /** Errors so far by kind, for the report. */
    String errorKinds();

    @Override
    default void close() throws IOException {
    }
}
