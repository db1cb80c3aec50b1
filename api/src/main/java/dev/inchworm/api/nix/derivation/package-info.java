/**
 * Nix derivations in Java, the one {@code .drv} reader of the project: the ATerm format
 * (parsed and printed byte for byte, bytes read as ISO-8859-1 characters), Nix base32 and
 * store path fingerprints, computed as Nix 2.8 computes them.
 */
package dev.inchworm.api.nix.derivation;
