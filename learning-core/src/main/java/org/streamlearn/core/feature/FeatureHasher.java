package org.streamlearn.core.feature;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The signed hashing trick (Weinberger et al. 2009): a named feature {@code name → value} adds
 * {@code sign(name)·value} to slot {@code h(name) mod 2^bits}, where {@code h} is MurmurHash3 x86 32-bit
 * (seed 0) of the name's UTF-8 bytes, the slot its low {@code bits} bits and the sign its top bit
 * (set: −1). Collisions add up; the sign keeps them unbiased in expectation.
 *
 * @param bits the number of hash bits, 1..24; the dimension is {@code 2^bits}
 */
public record FeatureHasher(int bits) {

    /** Validates {@code bits}. */
    public FeatureHasher {
        if (bits < 1 || bits > 24) {
            throw new IllegalArgumentException("hashBits: must be in 1..24, got " + bits);
        }
    }

    /** {@code 2^bits}. */
    public int dimension() {
        return 1 << bits;
    }

    /** Hashes {@code named} into {@code out} (length {@code 2^bits}), which is zeroed first. */
    public void transform(Map<String, Double> named, double[] out) {
        Arrays.fill(out, 0.0);
        int mask = (1 << bits) - 1;
        for (Map.Entry<String, Double> e : named.entrySet()) {
            int h = murmur3(e.getKey());
            int slot = h & mask;
            double v = e.getValue();
            out[slot] += h < 0 ? -v : v;
        }
    }

    /** The slot of a feature name. */
    public int slotOf(String name) {
        return murmur3(name) & ((1 << bits) - 1);
    }

    /** The sign (+1 or −1) of a feature name. */
    public static double signOf(String name) {
        return murmur3(name) < 0 ? -1.0 : 1.0;
    }

    /** MurmurHash3 x86 32-bit, seed 0, of the UTF-8 bytes of {@code s}. */
    @SuppressWarnings("fallthrough")
    public static int murmur3(String s) {
        byte[] data = s.getBytes(StandardCharsets.UTF_8);
        final int c1 = 0xcc9e2d51;
        final int c2 = 0x1b873593;
        int h1 = 0;
        int len = data.length;
        int rounded = len & ~3;
        for (int i = 0; i < rounded; i += 4) {
            int k1 = (data[i] & 0xff) | ((data[i + 1] & 0xff) << 8) | ((data[i + 2] & 0xff) << 16)
                    | (data[i + 3] << 24);
            k1 *= c1;
            k1 = Integer.rotateLeft(k1, 15);
            k1 *= c2;
            h1 ^= k1;
            h1 = Integer.rotateLeft(h1, 13);
            h1 = h1 * 5 + 0xe6546b64;
        }
        int k1 = 0;
        switch (len & 3) {
            case 3:
                k1 = (data[rounded + 2] & 0xff) << 16;
                // fall through
            case 2:
                k1 |= (data[rounded + 1] & 0xff) << 8;
                // fall through
            case 1:
                k1 |= data[rounded] & 0xff;
                k1 *= c1;
                k1 = Integer.rotateLeft(k1, 15);
                k1 *= c2;
                h1 ^= k1;
                break;
            default:
                break;
        }
        h1 ^= len;
        h1 ^= h1 >>> 16;
        h1 *= 0x85ebca6b;
        h1 ^= h1 >>> 13;
        h1 *= 0xc2b2ae35;
        h1 ^= h1 >>> 16;
        return h1;
    }
}
