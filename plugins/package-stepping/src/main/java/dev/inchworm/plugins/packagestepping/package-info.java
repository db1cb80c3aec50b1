/**
 * The {@code package-stepping} strategy: upgrades a system one unit (package) at a time by
 * re-deriving the cheap aggregator layer of the target with the not-yet-upgraded units
 * pointing at their old derivations. {@code derivation} models Nix derivations and store path
 * computation; {@code masking} cuts the target tree into aggregators and units and re-derives
 * the aggregators.
 */
package dev.inchworm.plugins.packagestepping;
