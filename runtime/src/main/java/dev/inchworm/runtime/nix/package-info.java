/** Nix operations and the system source, implemented by running real Nix through runtime.exec; output parsers and failure classification. */
package dev.inchworm.runtime.nix;
