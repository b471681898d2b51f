package org.streamlearn.core.drift;

/** The check every {@link DriftConfig#restore} makes first: that a saved state is of its own detector. */
final class DriftStates {

    private DriftStates() {
    }

    /**
     * {@code state} as a {@code type}; otherwise an {@link IllegalArgumentException}
     * {@code "drift.state: an adwin detector cannot restore PageHinkleyState"}, naming the detector by
     * {@code config}'s logical name.
     */
    static <S extends DriftState> S of(DriftConfig config, Class<S> type, DriftState state) {
        if (!type.isInstance(state)) {
            String name = config.name();
            throw new IllegalArgumentException("drift.state: " + ("aeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ")
                    + name + " detector cannot restore " + (state == null ? "null" : state.getClass().getSimpleName()));
        }
        return type.cast(state);
    }
}
