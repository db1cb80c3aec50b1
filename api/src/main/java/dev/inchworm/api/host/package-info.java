/** The host as plugins see it: commands, state notes, and the facade that holds them. */
package dev.inchworm.api.host;
