/**
 * What floe ships, checked as built: the command-line jar ({@link dev.floe.it.dist.ShadedJarIT})
 * carries floe's LICENSE, one NOTICE merging those of the projects it bundles, and its version.
 */
package dev.floe.it.dist;
