package dev.inchworm.plugins.commitwalk;

import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.SystemSource;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluations of the system source by revision, each done once: kept in memory for the life of
 * the strategy, and in the run's notes ({@code eval.COMMIT = DRV TOPLEVEL}) so a run resumed
 * after a crash does not evaluate again. Counts the evaluations the run did
 * ({@code evaluations}) against the budget.
 */
final class Evaluations {

    /** Note: how many evaluations this run did. */
    static final String COUNT = "evaluations";
    private static final String NOTE = "eval.";

    /** The budget of evaluations for the run is used up. */
    static final class Exhausted extends RuntimeException {
        Exhausted(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<Revision, Evaluation> memory;
    private final PluginState notes;
    private final SystemSource source;
    private final Nix nix;
    private final int budget;
    private int fresh;

    /**
     * @param memory the strategy's own cache, shared across calls
     * @param budget evaluations allowed per run; 0 for no limit
     */
    Evaluations(Map<Revision, Evaluation> memory, PluginState notes, SystemSource source, Nix nix, int budget) {
        this.memory = memory;
        this.notes = notes;
        this.source = source;
        this.nix = nix;
        this.budget = budget;
    }

    /** The evaluation the run already has, free of charge (the target's). */
    void know(Evaluation evaluation) {
        memory.put(evaluation.revision(), evaluation);
    }

    /**
     * What {@code revision} evaluates to: from memory, from the notes (when its {@code .drv} is
     * still in the store), else evaluated now.
     *
     * @throws Exhausted when it must be evaluated and the run's budget is used up
     */
    Evaluation of(Revision revision) {
        Evaluation known = memory.get(revision);
        if (known != null) {
            return known;
        }
        Optional<Evaluation> noted = notes.get(NOTE + revision.commit()).map(text -> parse(revision, text))
                .filter(e -> nix.isValid(e.drv()));
        if (noted.isPresent()) {
            memory.put(revision, noted.get());
            return noted.get();
        }
        if (exhausted()) {
            throw new Exhausted("the budget of " + budget + " evaluations per run (maxEvaluations) is used up");
        }
        Evaluation evaluation = source.evaluate(revision);
        fresh++;
        notes.put(COUNT, Integer.toString(count() + 1));
        notes.put(NOTE + revision.commit(), evaluation.drv() + " " + evaluation.toplevel());
        memory.put(revision, evaluation);
        return evaluation;
    }

    /** Whether the run may evaluate no more. */
    boolean exhausted() {
        return budget > 0 && count() >= budget;
    }

    /** Evaluations this run did so far (all calls, and before a crash). */
    int count() {
        return notes.get(COUNT).map(Integer::parseInt).orElse(0);
    }

    /** Evaluations this object did. */
    int fresh() {
        return fresh;
    }

    private static Evaluation parse(Revision revision, String text) {
        String[] parts = text.split(" ");
        return new Evaluation(revision, new StorePath(parts[0]), new StorePath(parts[1]));
    }
}
