/** The one process runner: argument lists, prefix, timeouts that kill the process tree, bounded output. */
package dev.inchworm.runtime.exec;
