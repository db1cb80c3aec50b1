/**
 * The {@code shed-non-vital} strategy: when a step cannot fit even alone, removes the profile's
 * non-vital units from the aggregator layer of an intermediate system (re-derived at the
 * derivation level), lets the engine collect them, upgrades the rest, and adds them back
 * upgraded in the last step, which is the target itself.
 */
package dev.inchworm.plugins.shednonvital;
