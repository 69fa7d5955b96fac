package dev.floe.core;

/**
 * Test-only: the narrow windows of a run where a crash tests the claim protocol hardest. A JVM
 * started with {@code -Dfloe.test.crash-at=<name>} halts with exit code 137 when it reaches that
 * point, as if killed by {@code kill -9} there: no finally blocks, no shutdown hooks. The crash
 * tests in it-tests start the CLI as a child process with it; without the property every point is
 * a no-op.
 */
public enum CrashPoint {
  /** The claim is durable; nothing is read or written yet. */
  AFTER_CLAIM("after-claim"),
  /** The data files are written (uploaded) and the dead letters published; no commit yet. */
  BEFORE_COMMIT("before-commit"),
  /** The commit landed; no batch is acknowledged yet. */
  AFTER_COMMIT("after-commit"),
  /** The first half of the committed batches (at least one) is acknowledged; the claim is kept. */
  MID_ACKNOWLEDGE("mid-acknowledge");

  public static final String PROPERTY = "floe.test.crash-at";
  /** What {@code kill -9} makes a JVM exit with (128 + SIGKILL). */
  public static final int EXIT_CODE = 137;
  private static final String ARMED = System.getProperty(PROPERTY);

  private final String pointName;

  CrashPoint(String pointName) {
    this.pointName = pointName;
  }

  public String pointName() {
    return pointName;
  }

  /** Halts the JVM if the test armed this point. */
  public void reach() {
    if (pointName.equals(ARMED)) {
      System.err.println("floe: halting at crash point " + pointName + " (" + PROPERTY + ")");
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_CODE);
    }
  }
}
