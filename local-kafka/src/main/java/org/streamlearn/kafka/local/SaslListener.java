package org.streamlearn.kafka.local;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.streamlearn.kafka.local.LocalKafkaBroker.SaslMechanism;

/**
 * The security part of a broker: its {@code SASL_PLAINTEXT} listener, with one mechanism and its users.
 *
 * <p>Where the users go depends on the mechanism. {@code PLAIN} users are listed in the listener's JAAS
 * configuration ({@link #putServerProperties(Map)}), so they take effect at every start. {@code SCRAM-SHA-512}
 * users are credentials in the cluster metadata: {@code StorageTool format --add-scram} creates them
 * ({@link #scramEntries()}), so they exist only in storage formatted with them. Names and passwords are test
 * credentials, checked by {@link #credential(String, String)} to need no quoting anywhere.
 *
 * @param mechanism the listener's mechanism
 * @param port the listener's port on {@link LocalKafkaBroker#HOST}
 * @param users user names to passwords, in the order they were given (unmodifiable)
 */
record SaslListener(SaslMechanism mechanism, int port, Map<String, String> users) {

    SaslListener {
        users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
    }

    /** The listener as {@code listeners} names it: {@code SASL_PLAINTEXT://127.0.0.1:<port>}. */
    String listener() {
        return LocalKafkaBroker.SASL_LISTENER_NAME + "://" + LocalKafkaBroker.HOST + ":" + port;
    }

    /** {@code "127.0.0.1:<port>"}, for a client's {@code bootstrap.servers}. */
    String bootstrapServers() {
        return LocalKafkaBroker.HOST + ":" + port;
    }

    /**
     * Adds the listener's own broker settings to {@code p}: its enabled mechanism and its JAAS configuration
     * (with the {@code PLAIN} users). The listener itself and its security protocol are the caller's.
     */
    void putServerProperties(Map<String, String> p) {
        String prefix = "listener.name." + LocalKafkaBroker.SASL_LISTENER_NAME.toLowerCase(Locale.ROOT) + ".";
        p.put(prefix + "sasl.enabled.mechanisms", mechanism.kafkaName());
        StringBuilder jaas = new StringBuilder(loginModule(mechanism)).append(" required");
        if (mechanism == SaslMechanism.PLAIN) {
            users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"")
                    .append(password).append('"'));
        }
        p.put(prefix + mechanism.kafkaName().toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                jaas.append(';').toString());
    }

    /**
     * {@code StorageTool format --add-scram} entries, e.g. {@code SCRAM-SHA-512=[name=alice,password=secret]}:
     * one per user of a SCRAM listener, none for PLAIN.
     */
    List<String> scramEntries() {
        if (mechanism != SaslMechanism.SCRAM_SHA_512) {
            return List.of();
        }
        List<String> entries = new ArrayList<>();
        users.forEach((user, password) -> entries.add(mechanism.kafkaName() + "=[name=" + user
                + ",password=" + password + "]"));
        return entries;
    }

    /** The SCRAM entries of {@code sasl}, none without a SASL listener. */
    static List<String> scramEntries(SaslListener sasl) {
        return sasl == null ? List.of() : sasl.scramEntries();
    }

    /**
     * The client settings that log in as {@code user} with {@code password}: {@code security.protocol},
     * {@code sasl.mechanism} and {@code sasl.jaas.config}.
     */
    Map<String, String> clientProperties(String user, String password) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", mechanism.kafkaName());
        p.put("sasl.jaas.config", loginModule(mechanism) + " required username=\"" + user + "\" password=\""
                + password + "\";");
        return p;
    }

    /** The JAAS login module of {@code mechanism}, on both sides of the connection. */
    static String loginModule(SaslMechanism mechanism) {
        return mechanism == SaslMechanism.PLAIN ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
    }

    /**
     * Checks a user name or password: 1 to 64 letters, digits or {@code . _ - + @}, as they are written into
     * JAAS and {@code StorageTool} arguments unquoted.
     *
     * @param what what the value is, for the message
     * @return {@code value}
     * @throws IllegalArgumentException if it is null or has another character
     */
    static String credential(String what, String value) {
        if (value == null || !value.matches("[A-Za-z0-9._+@-]{1,64}")) {
            throw new IllegalArgumentException(what + " must be 1 to 64 letters, digits or . _ - + @, got "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }
}
