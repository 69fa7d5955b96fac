package dev.floe.cli;

import dev.floe.core.IngestOptions;
import java.io.PrintWriter;

/** A one-line progress display on a terminal; nothing when output is not a terminal (cron, pipes) or is JSON. */
final class Progress {
  private Progress() {}

  static IngestOptions.Progress forTerminal(boolean json, PrintWriter err) {
    if (json || System.console() == null) {
      return IngestOptions.Progress.NONE;
    }
    return (done, total, events) -> {
      err.printf("\r  %d/%d batches, %,d events", done, total, events);
      if (done == total) {
        err.println();
      }
      err.flush();
    };
  }
}
