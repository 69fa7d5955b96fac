package dev.floe.core;

/** What a run did with one batch it was offered. */
public record BatchOutcome(Batch batch, Status status, String reason) {
  public enum Status {
    /** In this run's snapshot. */
    COMMITTED,
    /** Already in the table from an earlier run: skipped, safe to acknowledge. */
    ALREADY_COMMITTED,
    /** Not started because a run limit was reached: offered again next run. */
    DEFERRED,
    /** Could not be opened at all (e.g. permission denied): set aside, not committed. */
    FAILED,
    /** Decoded and counted by a dry run; nothing written. */
    DRY_RUN
  }

  /** Whether the table now holds this batch, so its source may let go of it. */
  public boolean inTable() {
    return status == Status.COMMITTED || status == Status.ALREADY_COMMITTED;
  }
}
