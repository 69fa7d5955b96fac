package dev.floe.cli;

/** floe's exit codes; cron wrappers and schedulers branch on them. */
public final class ExitCodes {
  /** The run did what it was asked (including "nothing new to commit"). */
  public static final int OK = 0;
  /** A failure that a later run may not hit: storage or catalog unavailable, commit conflict. Nothing was committed. */
  public static final int RETRYABLE = 1;
  /** Bad usage or configuration: retrying the same command fails the same way. */
  public static final int USAGE = 2;
  /** The commit may or may not have landed; its files were kept. The next run resolves it. */
  public static final int COMMIT_UNKNOWN = 3;
  /** More of the run's events were rejected than {@code ingest.max-reject-ratio} allows; nothing committed. */
  public static final int TOO_MANY_REJECTS = 4;

  private ExitCodes() {}
}
