package org.streamlearn.core.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contract of {@link FeatureHasher} (DESIGN.md "Events": the signed hashing trick): MurmurHash3 x86 32-bit,
 * seed 0, of the UTF-8 bytes matches published values (every tail length, multi-byte characters); the slot is
 * the low {@code bits} bits and the sign (±1) the top bit; collisions add up; the output is zeroed first.
 */
class FeatureHasherTest {

    @ParameterizedTest(name = "murmur3(\"{0}\") = {1}")
    @CsvSource(delimiter = '|', value = {
        "''|0x00000000",
        "a|0x3c2569b2",
        "ab|0x9bbfd75f",
        "abc|0xb3dd93fa",
        "abcd|0x43ed676a",
        "hello|0x248bfa47",
        "The quick brown fox jumps over the lazy dog|0x2e4ff723",
        "héllo wörld|0x97f7f274",
        "日本|0xc4d9f942"})
    void murmur3MatchesTheReferenceValues(String s, String hex) {
        int expected = Integer.parseUnsignedInt(hex.substring(2), 16);
        assertThat(FeatureHasher.murmur3(s)).isEqualTo(expected);
    }

    @Test
    void knownValuesInDecimal() {
        assertThat(FeatureHasher.murmur3("")).isZero();
        assertThat(FeatureHasher.murmur3("hello")).isEqualTo(613153351);
        assertThat(FeatureHasher.murmur3("The quick brown fox jumps over the lazy dog")).isEqualTo(0x2e4ff723);
    }

    @Test
    void slotIsTheLowBitsAndSignTheTopBit() {
        FeatureHasher h = new FeatureHasher(10);
        assertThat(h.dimension()).isEqualTo(1024);
        assertThat(h.slotOf("hello")).isEqualTo(0x248bfa47 & 1023);
        assertThat(FeatureHasher.signOf("hello")).isEqualTo(1.0);          // top bit clear
        assertThat(FeatureHasher.signOf("ab")).isEqualTo(-1.0);            // 0x9bbfd75f: top bit set
        assertThat(h.slotOf("ab")).isEqualTo(0x9bbfd75f & 1023);
        for (int i = 0; i < 200; i++) {
            String name = "feature_" + i;
            double sign = FeatureHasher.signOf(name);
            assertThat(sign).isIn(1.0, -1.0);
            assertThat(sign < 0).isEqualTo(FeatureHasher.murmur3(name) < 0);
            assertThat(h.slotOf(name)).isBetween(0, 1023);
        }
    }

    @Test
    void transformPlacesSignedValuesAndZeroesTheRest() {
        FeatureHasher h = new FeatureHasher(8);
        double[] out = new double[h.dimension()];
        Arrays.fill(out, 7.0); // garbage: transform must zero it first
        Map<String, Double> named = new LinkedHashMap<>();
        named.put("hello", 2.5);
        named.put("ab", 3.0);
        h.transform(named, out);
        int sh = h.slotOf("hello");
        int sa = h.slotOf("ab");
        assertThat(sh).isNotEqualTo(sa);
        assertThat(out[sh]).isEqualTo(2.5);
        assertThat(out[sa]).isEqualTo(-3.0);
        double sum = 0;
        for (double v : out) {
            sum += Math.abs(v);
        }
        assertThat(sum).isEqualTo(5.5);
    }

    @Test
    void collisionsAddUpWithTheirSigns() {
        FeatureHasher h = new FeatureHasher(2);
        // find two names sharing a slot (4 slots: guaranteed among 5 names)
        String a = null;
        String b = null;
        outer:
        for (int i = 0; i < 5; i++) {
            for (int j = i + 1; j < 5; j++) {
                if (h.slotOf("f" + i) == h.slotOf("f" + j)) {
                    a = "f" + i;
                    b = "f" + j;
                    break outer;
                }
            }
        }
        assertThat(a).isNotNull();
        Map<String, Double> named = new LinkedHashMap<>();
        named.put(a, 1.25);
        named.put(b, 4.0);
        double[] out = new double[4];
        h.transform(named, out);
        assertThat(out[h.slotOf(a)]).isEqualTo(FeatureHasher.signOf(a) * 1.25 + FeatureHasher.signOf(b) * 4.0);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 25})
    void bitsOutOfRangeAreRejected(int bits) {
        assertThatThrownBy(() -> new FeatureHasher(bits)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hashBits");
    }
}
