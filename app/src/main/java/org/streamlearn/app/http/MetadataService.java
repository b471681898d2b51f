package org.streamlearn.app.http;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.streamlearn.app.streams.TopologyFactory;

/**
 * What Kafka Streams knows about the cluster, for serving: who owns a model id
 * ({@link KafkaStreams#queryMetadataForKey}), whether that is this instance, and which instances exist
 * ({@link KafkaStreams#metadataForAllStreamsClients}). Instances are named by their HTTP address (Streams'
 * {@code application.server}). Cluster-wide routing (standbys, fan-out) is meant to grow here.
 */
public final class MetadataService {

    private final HostInfo self;
    private final Serializer<String> keys = new StringSerializer();
    private volatile KafkaStreams streams;

    /** The metadata of the instance whose HTTP address is {@code self}. */
    public MetadataService(HostInfo self) {
        this.self = self;
    }

    /** The Kafka Streams instance to ask. */
    public void attach(KafkaStreams s) {
        this.streams = s;
    }

    /** This instance's address. */
    public HostInfo self() {
        return self;
    }

    /** The Kafka Streams state, or {@code STARTING} before one is attached. */
    public String state() {
        KafkaStreams s = streams;
        return s == null ? "STARTING" : s.state().name();
    }

    /** The Kafka Streams instance when it is RUNNING. */
    public Optional<KafkaStreams> running() {
        KafkaStreams s = streams;
        return s != null && s.state() == KafkaStreams.State.RUNNING ? Optional.of(s) : Optional.empty();
    }

    /** Whether {@code host} is this instance. */
    public boolean isSelf(HostInfo host) {
        return host.port() == self.port() && (host.host().equals(self.host()) || host.host().equals("localhost"));
    }

    /** Who holds the active task of a model id. */
    public Owner ownerOf(String modelId) {
        KafkaStreams s = streams;
        if (s == null || s.state() != KafkaStreams.State.RUNNING) {
            return new Owner.Unknown("not running yet (" + state() + ")");
        }
        KeyQueryMetadata md = s.queryMetadataForKey(TopologyFactory.STORE, modelId, keys);
        if (md == null || md.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return new Owner.Unknown("the owner of model '" + modelId + "' is not known yet (rebalancing)");
        }
        return isSelf(md.activeHost()) ? new Owner.Local() : new Owner.Remote(md.activeHost());
    }

    /** Every instance of the application (their HTTP addresses), this one included. */
    public List<HostInfo> instances() {
        KafkaStreams s = streams;
        if (s == null) {
            return List.of(self);
        }
        return s.metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo).distinct().toList();
    }
}
