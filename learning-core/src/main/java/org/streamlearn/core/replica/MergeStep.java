package org.streamlearn.core.replica;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.streamlearn.core.model.LearnerState;

/**
 * The merge step of one replicated model: it keeps the reports of the rounds not merged yet and merges a round
 * ({@link ParameterMixing#merge}, in replica order whatever the arrival order) once every replica has reported
 * it. Rounds merge in order. A report of a round already merged, or a second report of a replica for a round,
 * is ignored (a redelivery), so the result depends only on the reports' contents.
 *
 * <p>A replica reports round r + 1 at most before it needs the merge of round r, so at most two rounds are
 * open at a time.
 */
public final class MergeStep {

    private final int count;
    private final TreeMap<Long, LearnerState[]> open = new TreeMap<>();
    private long next;

    /** A merge step of {@code count} replicas that has merged nothing. */
    public MergeStep(int count) {
        this(count, 0);
    }

    /** A merge step of {@code count} replicas whose next round to merge is {@code next}. */
    public MergeStep(int count, long next) {
        if (count < 1 || next < 0) {
            throw new IllegalArgumentException("count must be >= 1 and next >= 0, got " + count + ", " + next);
        }
        this.count = count;
        this.next = next;
    }

    /**
     * Adds a report.
     *
     * @return the rounds this report completed, merged, in round order (usually none or one)
     */
    public List<Merged> add(ReplicaReport report) {
        if (report.replica() >= count) {
            throw new IllegalArgumentException("replica " + report.replica() + " of a model with " + count
                    + " replicas");
        }
        if (report.round() < next) {
            return List.of();
        }
        LearnerState[] slots = open.computeIfAbsent(report.round(), r -> new LearnerState[count]);
        if (slots[report.replica()] == null) {
            slots[report.replica()] = report.state();
        }
        List<Merged> out = new ArrayList<>(1);
        while (!open.isEmpty() && open.firstKey() == next && complete(open.firstEntry().getValue())) {
            out.add(new Merged(next, ParameterMixing.merge(Arrays.asList(open.pollFirstEntry().getValue()))));
            next++;
        }
        return out;
    }

    /** The next round to merge. */
    public long next() {
        return next;
    }

    /** The reports held for a round (index = replica, {@code null} when missing), live; empty when none. */
    public LearnerState[] reports(long round) {
        LearnerState[] s = open.get(round);
        return s == null ? new LearnerState[0] : s;
    }

    private static boolean complete(LearnerState[] slots) {
        for (LearnerState s : slots) {
            if (s == null) {
                return false;
            }
        }
        return true;
    }
}
