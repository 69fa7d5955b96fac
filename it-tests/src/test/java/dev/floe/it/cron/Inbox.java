package dev.floe.it.cron;

import java.util.List;

/**
 * A source that producers drop batch files into and that floe consumes: a spool folder or an S3
 * prefix, seen from the outside, without floe's code.
 */
interface Inbox {
  /** The CLI arguments that name this source. */
  List<String> sourceArgs();

  /** Makes a finished batch file appear at once (rename into place, or one PUT). */
  void drop(EventBook.Drop drop);

  /** Names of the batch files waiting to be taken. */
  List<String> waiting();

  /** Names in {@code done/}: a name taken twice would show as a second, suffixed entry. */
  List<String> done();

  /** Names in {@code failed/}. */
  List<String> failed();

  /** Every file in floe's claims folder, complete claims or not. */
  List<String> claimFiles();

  /** floe's lock or lease objects that outlive a run when they should not (none for a spool). */
  List<String> strayLocks();

  /** The id floe uses for this source in the table property {@code floe.source.<key>.last-run}. */
  String sourceKey();
}
