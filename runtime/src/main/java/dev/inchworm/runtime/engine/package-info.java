/** The upgrade loop: strategies, reclaimers, provisioners, rollback, reports. */
package dev.inchworm.runtime.engine;
