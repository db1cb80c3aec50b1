/**
 * The footprint estimator shared by every strategy and the engine: what realising a set of
 * derivations needs at its peak, term by term, and what finished steps taught it.
 */
package dev.inchworm.api.estimate;
