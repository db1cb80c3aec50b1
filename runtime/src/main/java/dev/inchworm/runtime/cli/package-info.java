/** The command line (picocli). The only package that touches standard streams and System.exit. */
package dev.inchworm.runtime.cli;
