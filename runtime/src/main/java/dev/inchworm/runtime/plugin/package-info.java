/** Plugin loading through PF4J and the id to extension registry. The only package that touches the PF4J manager. */
package dev.inchworm.runtime.plugin;
