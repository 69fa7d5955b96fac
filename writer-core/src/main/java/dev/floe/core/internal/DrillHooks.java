package dev.floe.core.internal;

/** Not part of floe's API: the one {@link DrillHook} of this JVM, {@link DrillHook#NONE} unless a drill installs another. */
public final class DrillHooks {
  private static volatile DrillHook installed = DrillHook.NONE;

  private DrillHooks() {}

  /** The installed hook. */
  public static DrillHook installed() {
    return installed;
  }

  /** Installs {@code hook} for this JVM; for the crash drills' entry point only. */
  public static void install(DrillHook hook) {
    installed = hook;
  }
}
