package dev.floe.cli;

import dev.floe.core.IngestOptions;
import dev.floe.core.IngestProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A run's progress as one line on stderr that redraws in place: bytes read of the total (when
 * known), events, events per second and the time left. Only on a terminal: under cron, through a
 * pipe or with {@code --json} it draws nothing, so logs and machine-read output stay clean.
 */
final class Progress implements IngestOptions.Progress, AutoCloseable {
  /** How often the line may redraw: often enough to look alive, rarely enough to cost nothing. */
  static final Duration REDRAW = Duration.ofMillis(200);

  private final boolean enabled;
  private final PrintWriter err;
  private final LongSupplier nanoTime;
  private long firstUpdate;
  private long lastDraw;
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
    } else if (now - lastDraw < REDRAW.toNanos() && !progress.allRead()) {
      return;
    }
    lastDraw = now;
    draw(line(progress, Duration.ofNanos(now - firstUpdate)));
  }

  /** Ends the line, if one was drawn, so what follows starts on a line of its own. */
  @Override
  public void close() {
    if (drawnWidth >= 0) {
      err.println();
      err.flush();
      drawnWidth = -1;
    }
  }

  private void draw(String line) {
    // Spaces over whatever a longer previous line left; no terminal escapes needed.
    err.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
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

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String clock(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    return seconds >= 3600
        ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format("%d:%02d", seconds / 60, seconds % 60);
  }
}
