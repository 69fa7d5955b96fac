package dev.floe.core.internal;

import java.util.List;
import java.util.function.Consumer;

/**
 * Not part of floe's API: the narrow windows of a run where the crash drills in it-tests stop it,
 * to test the claim protocol hardest. Floe itself never installs one (no property or setting does);
 * the drills start the CLI through a test-only main class that installs a hook halting the JVM at
 * one point, as {@code kill -9} would there. Every method of {@link #NONE} does nothing more than
 * the run would.
 */
public interface DrillHook {
  DrillHook NONE = new DrillHook() {};

  /** The claim is durable; nothing is read or written yet. */
  default void afterClaim() {}

  /** The data files are written (uploaded) and the dead letters published; no commit yet. */
  default void beforeCommit() {}

  /** The commit landed; no batch is acknowledged yet. */
  default void afterCommit() {}

  /**
   * Acknowledges the committed {@code batches} through {@code acknowledge}, which sources do one
   * batch at a time; a drill may stop part way, leaving some acknowledged and the claim kept.
   */
  default void acknowledge(List<String> batches, Consumer<List<String>> acknowledge) {
    acknowledge.accept(batches);
  }
}
