/** Freeing disk when a step needs more than is free: the {@code Reclaimer} extension point. */
package dev.inchworm.api.reclaim;
