package org.streamlearn.it.support;

import java.util.ArrayList;
import java.util.List;

/** What a long integration test did, in order: printed at the end, and attached with the logs to a failure. */
public final class Journal {

    private final List<String> entries = new ArrayList<>();

    /** Records one step. */
    public void add(String entry) {
        entries.add(entry);
    }

    /** {@code e} with this journal and the last lines of every service's log appended to its message. */
    public AssertionError failure(Throwable e, List<ServiceProcess> services) {
        StringBuilder sb = new StringBuilder(e.getMessage() == null ? e.toString() : e.getMessage());
        sb.append("\njournal: ").append(entries);
        for (ServiceProcess s : services) {
            sb.append("\n---- ").append(s.log()).append(" (last lines) ----\n").append(s.logTail(15));
        }
        return new AssertionError(sb.toString(), e);
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
