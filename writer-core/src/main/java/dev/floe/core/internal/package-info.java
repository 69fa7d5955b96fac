/**
 * Not part of floe's library API: hooks for floe's own tests, which production code calls but
 * never configures. May change or go away in any release.
 */
package dev.floe.core.internal;
