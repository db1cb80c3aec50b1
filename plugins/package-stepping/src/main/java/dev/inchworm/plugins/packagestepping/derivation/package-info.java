/**
 * Derivations as package-stepping needs them, over the api's {@code .drv} reader
 * ({@code dev.inchworm.api.nix.derivation}): {@code hashDerivationModulo} and output paths,
 * computed as Nix 2.8 computes them, reading trees from the store, adding masked ones.
 */
package dev.inchworm.plugins.packagestepping.derivation;
