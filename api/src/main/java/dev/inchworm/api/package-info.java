/**
 * Inchworm's extension points and the values that cross between the runtime and plugins.
 *
 * <p>Sub-packages hold one concept each: {@code strategy} (how to reach the target in steps),
 * {@code storage} (measuring free space), {@code rollback} (going back to the start),
 * {@code reclaim} (freeing disk), {@code provision} (resources held around builds),
 * {@code nix} (store paths, generations and Nix operations) and {@code host} (commands and
 * state). This package depends on pf4j (for the extension marker) and slf4j-api only.
 */
package dev.inchworm.api;
