package dev.floe.it.cron;

import dev.floe.core.internal.DrillHook;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The narrow windows of a run where a crash tests the claim protocol hardest. {@link CrashingFloeCli}
 * runs the CLI with a {@link DrillHook} that halts the JVM with exit code 137 when the run reaches
 * the point, as if killed by {@code kill -9} there: no finally blocks, no shutdown hooks.
 */
enum CrashPoint {
  /** The claim is durable; nothing is read or written yet. */
  AFTER_CLAIM("after-claim"),
  /** The data files are written (uploaded) and the dead letters published; no commit yet. */
  BEFORE_COMMIT("before-commit"),
  /** The commit landed; no batch is acknowledged yet. */
  AFTER_COMMIT("after-commit"),
  /** The first half of the committed batches (at least one) is acknowledged; the claim is kept. */
  MID_ACKNOWLEDGE("mid-acknowledge");

  /** What {@code kill -9} makes a JVM exit with (128 + SIGKILL). */
  static final int EXIT_CODE = 137;

  private final String pointName;

  CrashPoint(String pointName) {
    this.pointName = pointName;
  }

  String pointName() {
    return pointName;
  }

  static CrashPoint named(String name) {
    return Arrays.stream(values())
        .filter(point -> point.pointName.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Invalid crash point: " + name));
  }

  /** A hook that halts the JVM at this point and nowhere else. */
  DrillHook hook() {
    return new DrillHook() {
      @Override
      public void afterClaim() {
        haltAt(AFTER_CLAIM);
      }

      @Override
      public void beforeCommit() {
        haltAt(BEFORE_COMMIT);
      }

      @Override
      public void afterCommit() {
        haltAt(AFTER_COMMIT);
      }

      @Override
      public void acknowledge(List<String> batches, Consumer<List<String>> acknowledge) {
        if (CrashPoint.this != MID_ACKNOWLEDGE) {
          acknowledge.accept(batches);
          return;
        }
        acknowledge.accept(batches.subList(0, (batches.size() + 1) / 2));
        haltAt(MID_ACKNOWLEDGE);
        acknowledge.accept(batches.subList((batches.size() + 1) / 2, batches.size()));
      }
    };
  }

  private void haltAt(CrashPoint reached) {
    if (reached == this) {
      System.err.println("floe: halting at crash point " + pointName);
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_CODE);
    }
  }
}
