package org.streamlearn.core.drift;

/**
 * What a drift detector has learned, as plain numbers a codec can write: an immutable value with value
 * equality (doubles compared bit for bit). Given finite inputs every double in it is finite (a mean not known
 * yet is stored as 0, never NaN), so a codec that refuses non-finite numbers can write any state.
 */
public sealed interface DriftState permits PageHinkleyState, AdwinState {

    /** Values seen since the detector was created or {@link DriftDetector#reset() reset}. */
    long seen();

    /** Drifts detected since the detector was created or reset. */
    long detections();

    /** A deep copy, equal to this state. */
    DriftState copy();
}
