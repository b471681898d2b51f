package org.streamlearn.store.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson configuration of streamlearn, shared by the state codecs, the spec parser, the event
 * parser, the outputs, the HTTP layer and the command line. Nothing else builds a mapper.
 *
 * <p>It is strict where JSON is ambiguous: a duplicated key ({@code {"label": 1, "label": 0}}) and anything
 * after the first value (trailing garbage, a second concatenated object) fail the read, so no input is ever
 * read as "whichever came last". Non-numeric numbers ({@code NaN}, {@code Infinity}) are let through the
 * tokenizer on purpose: the readers then refuse them with an error that names the field, instead of a bare
 * syntax error. Writers never emit them (the state codecs refuse non-finite values before writing).
 *
 * <p>A double is written as the shortest decimal that reads back as the same double (Jackson's Schubfach writer,
 * {@code USE_FAST_DOUBLE_WRITER}), whatever the JDK: Java 17's {@code Double.toString} writes a longer decimal for
 * about 1 double in 700, which Java 19 and later do not, so the same model would otherwise be published as
 * different bytes on different JDKs. It also writes a metrics record about 1.5 times as fast
 * ({@code JsonWriteBenchmark}).
 *
 * <p>Jackson mappers are thread-safe once configured; share {@link #MAPPER}, never reconfigure it.
 */
public final class Json {

    /** The shared, strict mapper. */
    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /**
     * Whether a read failed because something followed the first value (trailing garbage, a second
     * concatenated object), so that a reader can say so in its own words instead of Jackson's.
     */
    public static boolean isTrailingContent(JsonProcessingException e) {
        return e instanceof MismatchedInputException && e.getOriginalMessage() != null
                && e.getOriginalMessage().startsWith("Trailing token");
    }
}
