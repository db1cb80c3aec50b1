/** Host profiles: YAML/JSON into records, with errors that name file, line, column and key. */
package dev.inchworm.runtime.config;
