/** Bringing the host back to where a run started: the {@code Rollback} extension point. */
package dev.inchworm.api.rollback;
