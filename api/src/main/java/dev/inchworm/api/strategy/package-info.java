/** How a run reaches its target in steps: the {@code UpgradeStrategy} extension point. */
package dev.inchworm.api.strategy;
