package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

/**
 * When a challenger replaces the champion (DESIGN.md "Challengers"), counted in events, never wall-clock, so a
 * replay reproduces it: every {@code checkEvery} events since the last change of champion, once
 * {@code minEvents} have passed since it, the challenger with the lowest window loss (the rolling loss over the
 * spec's {@code metrics.window}) replaces the champion when its loss is below the champion's by
 * {@code margin}, relatively: {@code loss < championLoss·(1 − margin)}.
 *
 * @param minEvents  events since the last change before a promotion, >= 1 (default 5000)
 * @param margin     relative improvement required, in [0, 1) (default 0.02)
 * @param checkEvery events between two checks, >= 1 (default 1000)
 */
public record PromotionSpec(long minEvents, double margin, long checkEvery) {

    /** DESIGN.md's defaults. */
    public static final PromotionSpec DEFAULT = new PromotionSpec(5000, 0.02, 1000);

    /** Validates the fields. */
    public PromotionSpec {
        CHECKS.atLeast("promotion.minEvents", minEvents, 1);
        CHECKS.finite("promotion.margin", margin);
        if (margin < 0 || margin >= 1) {
            throw CHECKS.fail("promotion.margin", "must be in [0, 1), got " + margin);
        }
        CHECKS.atLeast("promotion.checkEvery", checkEvery, 1);
    }
}
