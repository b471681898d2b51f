package org.streamlearn.app.http;

import org.apache.kafka.streams.state.HostInfo;

/** Who owns a model id, as {@link MetadataService#ownerOf} says. */
public sealed interface Owner {

    /** This instance holds the active task of the id. */
    record Local() implements Owner {
    }

    /** Another instance holds it. */
    record Remote(HostInfo host) implements Owner {
    }

    /** Nobody is known to hold it yet (starting, rebalancing); {@code reason} says why. */
    record Unknown(String reason) implements Owner {
    }
}
