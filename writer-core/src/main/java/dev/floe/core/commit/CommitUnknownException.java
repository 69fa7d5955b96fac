package dev.floe.core.commit;

/**
 * The catalog did not say whether the commit landed, and the table history did not show it either
 * when floe looked. The commit may still land: the run's data files must NOT be deleted. The next
 * run recognises the batches if they are committed, and orphan removal collects the files if not.
 */
public class CommitUnknownException extends RuntimeException {
  private final String runId;

  public CommitUnknownException(String runId, String message, Throwable cause) {
    super(message, cause);
    this.runId = runId;
  }

  public String runId() {
    return runId;
  }
}
