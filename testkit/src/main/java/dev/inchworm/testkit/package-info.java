/**
 * The Inchworm sandbox host test kit: tiny NixOS-like hosts for tests against real Nix.
 *
 * <ul>
 *   <li>{@link dev.inchworm.testkit.SandboxHost}: a private mount namespace with a small tmpfs
 *       or loop ext4 disk over {@code /nix}; run commands in it, read its usage, install a
 *       generation, write a host profile for it; always cleaned up.</li>
 *   <li>{@link dev.inchworm.testkit.Scenario} and {@link dev.inchworm.testkit.PackageSet}: a
 *       synthetic package set in plain Nix in a git repository, one commit per revision,
 *       standing in for nixpkgs.</li>
 *   <li>{@link dev.inchworm.testkit.PeakSampler}: the peak disk usage during a build.</li>
 * </ul>
 *
 * Needs root, Linux, {@code unshare}/{@code nsenter}/{@code losetup}/{@code mkfs.ext4}
 * (util-linux, e2fsprogs), git, and Nix on the machine ({@code apt-get install nix-bin}).
 * See {@code docs/testkit.md}.
 */
package dev.inchworm.testkit;
