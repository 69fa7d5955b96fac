package dev.floe.it.cron;

import dev.floe.cli.FloeCli;
import dev.floe.core.internal.DrillHooks;
import java.util.Arrays;

/**
 * The crash drills' entry point, in place of {@link FloeCli}'s: {@code CrashingFloeCli <point>
 * ARGS} installs a hook that halts the JVM at the named {@link CrashPoint}, then runs {@code floe
 * ARGS}. Only the test classpath has it; floe itself never installs a hook.
 */
final class CrashingFloeCli {
  private CrashingFloeCli() {}

  public static void main(String[] args) {
    DrillHooks.install(CrashPoint.named(args[0]).hook());
    FloeCli.main(Arrays.copyOfRange(args, 1, args.length));
  }
}
