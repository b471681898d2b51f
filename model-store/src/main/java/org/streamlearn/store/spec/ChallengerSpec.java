package org.streamlearn.store.spec;

import static org.streamlearn.store.spec.SpecException.CHECKS;

import java.util.List;

/**
 * One challenger of a model (DESIGN.md "Challengers"): a name and its full spec, which is the champion's with
 * the challenger's overrides applied section by section (a top-level field given in the overrides replaces the
 * champion's whole field: {@code "optimizer": {"type": "adam"}} is Adam with its defaults). A challenger learns
 * the champion's events, so its input ({@code task}, {@code features}/{@code hashBits}, {@code classes},
 * {@code classNames}) is the champion's; it has no {@code drift}, {@code challengers} or {@code promotion} of
 * its own.
 *
 * @param name its name: 1 to 64 characters of {@code [A-Za-z0-9._-]}, unique among the model's candidates
 * @param spec its spec
 */
public record ChallengerSpec(String name, ModelSpec spec) {

    /** Most challengers of a model. */
    public static final int MAX = 8;
    /** The name of the spec's own configuration among a model's candidates (it is the first champion). */
    public static final String MAIN = "main";
    /** The top-level fields a challenger may not change. */
    static final List<String> INPUT = List.of("task", "features", "hashBits", "classes", "classNames");
    /** The top-level fields a challenger may not have. */
    static final List<String> CHAMPION_ONLY = List.of("drift", "challengers", "promotion", "feedback",
            "replicas");

    /** Checks the name and that the spec is a plain one (no drift, no challengers). */
    public ChallengerSpec {
        CHECKS.required("name", name);
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw CHECKS.fail("name", "must be 1 to 64 characters of [A-Za-z0-9._-], got '" + name + "'");
        }
        CHECKS.required("spec", spec);
        if (spec.drift() != null || !spec.challengers().isEmpty()) {
            throw CHECKS.fail("spec", "a challenger has no drift, challengers or promotion of its own");
        }
    }
}
