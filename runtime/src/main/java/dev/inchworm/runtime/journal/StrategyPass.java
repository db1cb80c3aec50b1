package dev.inchworm.runtime.journal;

import java.util.Objects;

/**
 * A strategy handed over to the next one in the chain.
 *
 * @param strategy the strategy's id
 * @param reason   why, in its words
 */
public record StrategyPass(String strategy, String reason) {

    public StrategyPass {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(reason, "reason");
    }
}
