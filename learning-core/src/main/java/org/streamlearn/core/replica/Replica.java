package org.streamlearn.core.replica;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.streamlearn.core.model.LearnerState;

/**
 * One replica's round bookkeeping (DESIGN.md "Replicas"); the learning itself is the ordinary learner's.
 *
 * <p>Rounds. A replica's round r is its {@code syncEvery} updates (events learned) after its first
 * {@code r·syncEvery}. When it completes round r it reports a copy of its state ({@link #onLearned}). Beginning
 * round r + 2 (r >= 0) it first adopts the merge of round r ({@link #adopt}), and until it has, it is
 * {@link #waiting()} and learns nothing: the caller holds its events back. That is a staleness of one round, and
 * a result that depends only on the order of each replica's events, never on timing.
 *
 * <p>Adopting. Adopting merge {@code m_r} keeps the replica's own progress since its report of round r: every
 * parameter moves by the merge's correction {@code c_j = m_rj − l_rj} ({@code l_r} the parameters it reported for
 * round r), {@code p_j ← p_j + c_j}; a zero correction leaves the parameter untouched (so with one replica,
 * whose merge is its own report, adopting changes no bit). The stored report of round r + 1 moves by the same
 * correction, so that the next correction again measures only what the merge changed. The optimizer slots, the
 * standardizer and the metrics are the replica's own and never adopted.
 *
 * <p>Not thread-safe; one instance per replica, driven by the replica's one thread.
 */
public final class Replica {

    private final int index;
    private final int syncEvery;
    private long round;
    private long inRound;
    private final ArrayDeque<double[]> reported;

    /** A fresh replica {@code index} that reports every {@code syncEvery} updates. */
    public Replica(int index, int syncEvery) {
        this(index, syncEvery, 0, 0, List.of());
    }

    /**
     * A replica from saved bookkeeping.
     *
     * @param round    the round it is in
     * @param inRound  its updates in that round, 0..syncEvery−1
     * @param reported the parameters it reported for the rounds whose merge it has not adopted yet (oldest
     *                 first, at most two), taken as they are
     */
    public Replica(int index, int syncEvery, long round, long inRound, List<double[]> reported) {
        if (index < 0 || syncEvery < 1 || round < 0 || inRound < 0 || inRound >= syncEvery || reported.size() > 2
                || reported.size() > round) {
            throw new IllegalArgumentException("replica bookkeeping out of range: index " + index + ", syncEvery "
                    + syncEvery + ", round " + round + ", inRound " + inRound + ", reports " + reported.size());
        }
        this.index = index;
        this.syncEvery = syncEvery;
        this.round = round;
        this.inRound = inRound;
        this.reported = new ArrayDeque<>(reported);
    }

    /** Whether the replica must adopt the merge of {@link #awaitedRound()} before it learns again. */
    public boolean waiting() {
        return reported.size() == 2;
    }

    /** The round whose merge it waits for (while {@link #waiting()}): its round − 2. */
    public long awaitedRound() {
        return round - 2;
    }

    /**
     * Counts one update of {@code state} (an event it has just learned); when that completes the round, returns
     * the round's report and begins the next round.
     *
     * @return the report, or {@code null} when the round goes on
     * @throws IllegalStateException when the replica is {@link #waiting()}
     */
    public ReplicaReport onLearned(LearnerState state) {
        if (waiting()) {
            throw new IllegalStateException("replica " + index + " learned while waiting for merge "
                    + awaitedRound());
        }
        inRound++;
        if (inRound < syncEvery) {
            return null;
        }
        ReplicaReport report = new ReplicaReport(index, round, state.copy());
        reported.addLast(state.params().clone());
        round++;
        inRound = 0;
        return report;
    }

    /**
     * Adopts the merged parameters {@code merged} of round {@code mergedRound} into the live parameters
     * {@code params} (see the class comment).
     *
     * @throws IllegalStateException when the replica does not wait for that round
     */
    public void adopt(long mergedRound, double[] merged, double[] params) {
        if (!waiting() || mergedRound != awaitedRound()) {
            throw new IllegalStateException("replica " + index + " in round " + round + " cannot adopt merge "
                    + mergedRound + (waiting() ? " (it waits for " + awaitedRound() + ")" : " (it waits for none)"));
        }
        double[] base = reported.removeFirst();
        double[] next = reported.peekFirst();
        for (int j = 0; j < params.length; j++) {
            double c = merged[j] - base[j];
            if (c != 0.0) {
                params[j] += c;
                next[j] += c;
            }
        }
    }

    /** The replica's index. */
    public int index() {
        return index;
    }

    /** Updates per round. */
    public int syncEvery() {
        return syncEvery;
    }

    /** The round it is in. */
    public long round() {
        return round;
    }

    /** Its updates in the current round. */
    public long inRound() {
        return inRound;
    }

    /** The reported parameters it has not adopted a merge for (oldest first), copies. */
    public List<double[]> reported() {
        List<double[]> out = new ArrayList<>(reported.size());
        reported.forEach(p -> out.add(p.clone()));
        return out;
    }
}
