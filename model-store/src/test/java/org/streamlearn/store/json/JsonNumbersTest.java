package org.streamlearn.store.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * How {@link Json#MAPPER} writes a double: the shortest decimal that reads back as the same double, bit for bit,
 * whatever the JDK. The JDK's own {@code Double.toString} gives that only from Java 19 on; Java 17's gives a
 * longer decimal for about 1 double in 700 (JDK-4511638), so without the fast writer the same model would be
 * published as different bytes on Java 17 and on Java 25.
 */
class JsonNumbersTest {

    private static String written(double v) throws Exception {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("v", v);
        String s = Json.MAPPER.writeValueAsString(o);
        return s.substring("{\"v\":".length(), s.length() - 1);
    }

    @Test
    void everyDoubleReadsBackBitForBit() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            double v = i % 2 == 0 ? Double.longBitsToDouble(r.nextLong())
                    : r.nextDouble() * Math.pow(10, r.nextInt(-12, 12));
            if (!Double.isFinite(v)) {
                continue;
            }
            String s = written(v);
            long bits = Double.doubleToRawLongBits(v);
            assertThat(Double.doubleToRawLongBits(Double.parseDouble(s))).as(s).isEqualTo(bits);
            assertThat(Double.doubleToRawLongBits(Json.MAPPER.readTree(s).doubleValue())).as(s).isEqualTo(bits);
        }
    }

    @Test
    void theShortestDecimalWhateverTheJdk() throws Exception {
        // Java 17's Double.toString writes this double as -8.6247725252223212E18, a digit longer than needed; the
        // writer gives the shortest, as Java 19 and later do. The notation stays Double.toString's: scientific
        // below 1e-3 and from 1e7.
        double v = -8.624772525222321E18;
        assertThat(written(v)).isEqualTo("-8.624772525222321E18");
        assertThat(written(0.1)).isEqualTo("0.1");
        assertThat(written(1.0E-5)).isEqualTo("1.0E-5");
        assertThat(written(123456.789)).isEqualTo("123456.789");
        assertThat(written(1.0E7)).isEqualTo("1.0E7");
        assertThat(written(-0.0)).isEqualTo("-0.0");
    }
}
