package org.streamlearn.core.model;

/** What is learned: a real value, a 0/1 label, or one of {@code classes} labels. */
public enum Task {
    /** Real-valued target; squared or Huber loss. */
    REGRESSION,
    /** Labels 0/1; log loss on the raw score. */
    BINARY,
    /** Labels 0..classes−1; cross-entropy on softmax logits. */
    MULTICLASS;

    /** The lowercase logical name used in specs. */
    public String logicalName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
