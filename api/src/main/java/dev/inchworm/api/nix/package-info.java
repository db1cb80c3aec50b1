/** Store paths, generations, revisions, failures, and the Nix operations plugins may call. */
package dev.inchworm.api.nix;
