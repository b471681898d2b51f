package org.streamlearn.app.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.streamlearn.app.config.ServiceConfig;
import org.streamlearn.app.config.Topics;
import org.streamlearn.app.kafka.TopicAdmin;
import org.streamlearn.app.streams.ReplicaTopology;
import org.streamlearn.store.state.StateLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits {@code model.max.message.bytes} to topics that already exist. The service creates the topics it writes
 * with {@code max.message.bytes} = {@code model.max.message.bytes}, but uses an existing topic as it is; a record
 * over that topic's limit would be refused by the broker when its transaction is already under way, failing the
 * task. So the service lowers its own limit to the smallest limit among the existing topics it writes, with a
 * warning naming the topic: a spec whose snapshot could not be published is then refused up front, naming its
 * field, as for any too-large model (operations.md, "Model size").
 */
final class TopicLimits {

    private static final Logger LOG = LoggerFactory.getLogger(TopicLimits.class);

    private TopicLimits() {
    }

    /**
     * {@code c}, or {@code c} with {@code model.max.message.bytes} lowered to the smallest {@code max.message.bytes}
     * of the existing topics the service writes.
     *
     * @throws StreamlearnService.TopicMismatchException naming the topic when its limit is below the smallest
     *                                                   the service can work with
     */
    static ServiceConfig fit(ServiceConfig c, TopicAdmin admin) {
        Topics t = c.topics();
        List<String> written = new ArrayList<>(t.outputs());
        written.addAll(ReplicaTopology.topics(t));
        int ours = c.modelLimits().maxMessageBytes();
        String smallest = null;
        int limit = ours;
        for (Map.Entry<String, Integer> e : admin.maxMessageBytes(written).entrySet()) {
            if (e.getValue() < limit) {
                smallest = e.getKey();
                limit = e.getValue();
            }
        }
        if (smallest == null) {
            return c;
        }
        if (limit < StateLimits.MIN_MESSAGE_BYTES) {
            throw new StreamlearnService.TopicMismatchException("topic " + smallest + " allows records of at most "
                    + limit + " bytes (max.message.bytes), below the " + StateLimits.MIN_MESSAGE_BYTES
                    + " the service needs: raise it (kafka-configs --alter --entity-type topics --entity-name "
                    + smallest + " --add-config max.message.bytes=" + ours + ")");
        }
        LOG.warn("topic {} exists with max.message.bytes={}, below model.max.message.bytes={}: the service uses {} "
                + "(specs whose snapshots could be larger are refused); raise the topic's limit to keep {}",
                smallest, limit, ours, limit, ours);
        return c.withModelLimits(new StateLimits(c.modelLimits().maxParameters(), limit));
    }
}
