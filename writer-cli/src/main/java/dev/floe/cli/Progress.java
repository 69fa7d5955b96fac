package dev.floe.cli;

import dev.floe.core.IngestOptions;
import dev.floe.core.IngestProgress;
import dev.floe.core.maintenance.MaintenanceProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress as one line on stderr that redraws in place: for an ingest, bytes read of the total
 * (when known), events, events per second and the time left; for maintenance, the step, and for
 * compaction its groups and bytes with the time left. Only on a terminal: under cron, through a
 * pipe or with {@code --json} it draws nothing, so logs and machine-read output stay clean.
 */
final class Progress implements IngestOptions.Progress, MaintenanceProgress.Listener, AutoCloseable {
  /** How often the line may redraw: often enough to look alive, rarely enough to cost nothing. */
  static final Duration REDRAW = Duration.ofMillis(200);

  private final boolean enabled;
  private final PrintWriter err;
  private final LongSupplier nanoTime;
  private long firstUpdate;
  private long lastDraw;
  private String step;
  private long stepStart;
  private int drawnWidth = -1;

  private Progress(boolean enabled, PrintWriter err, LongSupplier nanoTime) {
    this.enabled = enabled;
    this.err = err;
    this.nanoTime = nanoTime;
  }

  /** A line on {@code err} when the console is a terminal and the output is not JSON; else nothing. */
  static Progress on(boolean terminal, boolean json, PrintWriter err) {
    return on(terminal, json, err, System::nanoTime);
  }

  static Progress on(boolean terminal, boolean json, PrintWriter err, LongSupplier nanoTime) {
    return new Progress(terminal && !json, err, nanoTime);
  }

  @Override
  public void update(IngestProgress progress) {
    if (!enabled) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (drawnWidth < 0) {
      firstUpdate = now;
    }
    if (due(now, progress.allRead())) {
      draw(line(progress, Duration.ofNanos(now - firstUpdate)));
    }
  }

  @Override
  public void update(MaintenanceProgress progress) {
    if (!enabled) {
      return;
    }
    long now = nanoTime.getAsLong();
    boolean newStep = !progress.step().equals(step);
    if (newStep) {
      step = progress.step();
      stepStart = now;
    }
    if (due(now, newStep || progress.finished())) {
      draw(line(progress, Duration.ofNanos(now - stepStart)));
    }
  }

  /** Whether to draw now: the first time, when {@code force}d, or once {@link #REDRAW} has passed. */
  private boolean due(long now, boolean force) {
    if (drawnWidth >= 0 && !force && now - lastDraw < REDRAW.toNanos()) {
      return false;
    }
    lastDraw = now;
    return true;
  }

  /** Blanks the line, if one was drawn: the summary that follows says the same, and more. */
  @Override
  public void close() {
    if (drawnWidth >= 0) {
      err.print(" ".repeat(drawnWidth) + "\r");
      err.flush();
      drawnWidth = -1;
    }
  }

  /**
   * Draws {@code line} from the start of the terminal's line, with spaces over whatever a longer
   * one before it left (no terminal escapes needed), and puts the cursor back at the start: a log
   * line written meanwhile (also on stderr) then overwrites the progress instead of running on
   * after it, and the next draw starts on the line below it.
   */
  private void draw(String line) {
    err.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())) + "\r");
    err.flush();
    drawnWidth = line.length();
  }

  /**
   * The line for {@code progress}, {@code elapsed} after the run started reading, e.g. {@code 412.3
   * MB of 1.1 GB (37%), 368,512 events, 175,600 events/s, 0:07 left, 0/1 batches}.
   */
  static String line(IngestProgress progress, Duration elapsed) {
    StringBuilder text = new StringBuilder("  ").append(IngestCommand.humanBytes(progress.bytesRead()));
    if (progress.bytesTotal().isPresent()) {
      long total = progress.bytesTotal().getAsLong();
      text.append(" of ").append(IngestCommand.humanBytes(total));
      if (total > 0) {
        text.append(String.format(Locale.ROOT, " (%d%%)", Math.min(100, progress.bytesRead() * 100 / total)));
      }
    } else {
      text.append(" read");
    }
    text.append(String.format(Locale.ROOT, ", %,d events", progress.eventsRead()));
    double seconds = elapsed.toNanos() / 1e9;
    if (seconds >= 0.5) {
      text.append(String.format(Locale.ROOT, ", %,d events/s", Math.round(progress.eventsRead() / seconds)));
    }
    if (progress.allRead()) {
      text.append(", all read, writing and committing");
    } else if (progress.bytesTotal().isPresent() && progress.bytesRead() > 0 && seconds >= 0.5) {
      long left = progress.bytesTotal().getAsLong() - progress.bytesRead();
      text.append(", ").append(clock(Duration.ofNanos(Math.round(elapsed.toNanos() * ((double) left / progress.bytesRead()))))).append(" left");
    }
    text.append(String.format(Locale.ROOT, ", %d/%d batches", progress.batchesDone(), progress.batchesTotal()));
    return text.toString();
  }

  /**
   * The line for a maintenance step, {@code elapsed} after it started, e.g. {@code compaction: 2/5
   * groups, 1.2 GB of 3.0 GB (40%), 1:30 left}, or {@code orphan files, 0:04}.
   */
  static String line(MaintenanceProgress progress, Duration elapsed) {
    StringBuilder text = new StringBuilder("  ").append(progress.step());
    double seconds = elapsed.toNanos() / 1e9;
    if (progress.step().equals(MaintenanceProgress.COMPACTION)) {
      text.append(String.format(Locale.ROOT, ": %d/%d groups, ", progress.done(), progress.total()))
          .append(IngestCommand.humanBytes(progress.bytesDone())).append(" of ").append(IngestCommand.humanBytes(progress.bytesTotal()));
      if (progress.bytesTotal() > 0) {
        text.append(String.format(Locale.ROOT, " (%d%%)", progress.bytesDone() * 100 / progress.bytesTotal()));
      }
      if (!progress.finished() && progress.bytesDone() > 0 && seconds >= 0.5) {
        long left = progress.bytesTotal() - progress.bytesDone();
        text.append(", ").append(clock(Duration.ofNanos(Math.round(elapsed.toNanos() * ((double) left / progress.bytesDone()))))).append(" left");
      }
    } else {
      text.append(", ").append(clock(elapsed));
    }
    if (progress.finished()) {
      text.append(", done");
    }
    return text.toString();
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String clock(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    return seconds >= 3600
        ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format("%d:%02d", seconds / 60, seconds % 60);
  }
}
