/**
 * The {@code commit-walk} strategy: steps through the system source's first-parent commits, each
 * step a real revision, as many commits at a time as the estimated new bytes fit, found by
 * galloping then bisecting so that few (expensive) evaluations are spent.
 */
package dev.inchworm.plugins.commitwalk;
