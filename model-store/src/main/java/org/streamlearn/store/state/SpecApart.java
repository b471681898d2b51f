package org.streamlearn.store.state;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * A model's binary snapshot with its spec kept apart: the form a model store writes for each change of a model,
 * its spec written once beside it (a spec changes with an {@code upsert}, a state with every event).
 *
 * <p>In the snapshot's spec section ({@link BinaryStateCodec}), where a self-contained snapshot has the spec's
 * length and its UTF-8 JSON, this form has {@link #MARK} and the 64-bit {@link #hash} of that JSON (12 bytes in
 * place of about 380 at d = 20); its standardizer stores one count when every feature's is the same (8 bytes in
 * place of {@code 8·d}). {@link #join} puts the spec back and checks it is the one the state was written with,
 * so a reader that raced a spec change sees a mismatch instead of a wrong model. At d = 20 with Adam and
 * standardization a changelog record goes from about 1,580 to 1,050 bytes (docs/benchmarks.md, figure 2).
 */
public final class SpecApart {

    /** Where a self-contained snapshot has the spec's length (never negative): the spec is kept apart. */
    public static final int MARK = -1;

    private static final int MAGIC_AND_VERSION = 4;

    private SpecApart() {
    }

    /** Encodes {@code m} with its spec apart. */
    public static byte[] encode(ModelState m) {
        return BinaryStateCodec.encode(m, true);
    }

    /** The 64-bit FNV-1a hash of a spec's JSON bytes: what a snapshot with its spec apart names it by. */
    public static long hash(byte[] specJson) {
        long h = 0xcbf29ce484222325L;
        for (byte v : specJson) {
            h = (h ^ (v & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** Whether {@code bytes} is a snapshot with its spec apart (else a self-contained one). */
    public static boolean isApart(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getInt(specOffset(bytes)) == MARK;
    }

    /** The hash of the spec a snapshot with its spec apart was written with. */
    public static long specHash(byte[] apart) {
        int at = specOffset(apart);
        ByteBuffer b = ByteBuffer.wrap(apart);
        if (apart.length < at + 12 || b.getInt(at) != MARK) {
            throw new StateFormatException("spec", "not a snapshot with its spec apart");
        }
        return b.getLong(at + 4);
    }

    /**
     * The self-contained snapshot of {@code apart} with {@code specJson}, which {@link BinaryStateCodec#decode}
     * reads; a self-contained {@code apart} is returned as it is. Refuses a spec that is not the one the state
     * was written with.
     */
    public static byte[] join(byte[] apart, byte[] specJson) {
        int at = specOffset(apart);
        ByteBuffer in = ByteBuffer.wrap(apart);
        if (in.getInt(at) != MARK) {
            return apart;
        }
        if (specJson == null) {
            throw new StateFormatException("spec", "the snapshot's spec is missing from its store");
        }
        long expected = in.getLong(at + 4);
        long actual = hash(specJson);
        if (actual != expected) {
            throw new StateFormatException("spec", String.format(java.util.Locale.ROOT,
                    "the stored spec (hash %016x) is not the one the state was written with (%016x)", actual,
                    expected));
        }
        int rest = apart.length - at - 12;
        ByteBuffer out = ByteBuffer.allocate(at + 4 + specJson.length + rest);
        out.put(apart, 0, at).putInt(specJson.length).put(specJson).put(apart, at + 12, rest);
        return out.array();
    }

    /** Where the spec section starts: after the magic, the schema version, the model id and three longs. */
    private static int specOffset(byte[] bytes) {
        try {
            int idLength = ByteBuffer.wrap(bytes).getInt(MAGIC_AND_VERSION);
            int at = MAGIC_AND_VERSION + 4 + idLength + 8 * 3;
            if (idLength < 0 || at + 4 > bytes.length) {
                throw new BufferUnderflowException();
            }
            return at;
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new StateFormatException("header", "truncated binary snapshot (" + bytes.length + " bytes)", e);
        }
    }
}
