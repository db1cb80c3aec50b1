/** The write-ahead run journal and the host lock: atomic replace and fsync before every action. */
package dev.inchworm.runtime.journal;
