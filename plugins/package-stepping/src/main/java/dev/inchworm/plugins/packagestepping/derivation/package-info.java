/**
 * Nix derivations in Java: the ATerm {@code .drv} format (parsed and printed byte for byte,
 * bytes read as ISO-8859-1 characters), Nix base32, store path fingerprints,
 * {@code hashDerivationModulo} and output paths, computed as Nix 2.8 computes them.
 */
package dev.inchworm.plugins.packagestepping.derivation;
