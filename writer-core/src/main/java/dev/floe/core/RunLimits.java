package dev.floe.core;

import dev.floe.core.config.DataSize;
import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.config.Settings;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * How much one run takes on. Batches are never split: a run stops taking new batches once a limit
 * is reached (always taking at least one), and the rest waits for the next run.
 *
 * @param maxEvents events read (valid or not) after which no further batch is started
 * @param maxBytes stored input bytes one run takes, by {@link #bytesReached}: a spool or S3 prefix
 *     offers batches up to it, and a run defers the batches (files, streams) that would take it past it
 * @param maxDuration time after which no further batch is started; zero means none
 * @param maxRejectRatio a run whose rejected share of events read exceeds this fails without
 *     committing; 1 never fails
 * @param readAhead batches opened and read ahead of the one being decoded, each up to {@link
 *     ReadAhead#BUFFER_BYTES} held in memory, so that fetching many small objects overlaps; 0 reads
 *     one batch after the other
 */
public record RunLimits(long maxEvents, DataSize maxBytes, Duration maxDuration, double maxRejectRatio, int readAhead) {
  public static final String MAX_EVENTS = "ingest.max-events";
  public static final String MAX_BYTES = "ingest.max-bytes";
  public static final String MAX_DURATION = "ingest.max-duration";
  public static final String MAX_REJECT_RATIO = "ingest.max-reject-ratio";
  public static final DataSize DEFAULT_MAX_BYTES = DataSize.parse("8GB");
  public static final String READ_AHEAD = "ingest.read-ahead";
  public static final int DEFAULT_READ_AHEAD = 8;

  public RunLimits(long maxEvents, DataSize maxBytes, Duration maxDuration, double maxRejectRatio) {
    this(maxEvents, maxBytes, maxDuration, maxRejectRatio, DEFAULT_READ_AHEAD);
  }

  public RunLimits {
    if (readAhead < 0 || readAhead > 256) {
      throw new InvalidConfigException("Invalid " + READ_AHEAD + ": " + readAhead + " (0 to 256)");
    }
    if (maxEvents < 1) {
      throw new InvalidConfigException("Invalid " + MAX_EVENTS + ": " + maxEvents + " (at least 1)");
    }
    if (maxDuration.isNegative()) {
      throw new InvalidConfigException("Invalid " + MAX_DURATION + ": " + maxDuration);
    }
    if (!(maxRejectRatio >= 0 && maxRejectRatio <= 1)) {
      throw new InvalidConfigException("Invalid " + MAX_REJECT_RATIO + ": " + maxRejectRatio + " (0 to 1)");
    }
  }

  /** The limits when nothing is configured: no limit but {@value #MAX_BYTES} at {@link #DEFAULT_MAX_BYTES}. */
  public static RunLimits defaults() {
    return from(Settings.empty());
  }

  public RunLimits withMaxBytes(DataSize bytes) {
    return new RunLimits(maxEvents, bytes, maxDuration, maxRejectRatio, readAhead);
  }

  static RunLimits from(Settings settings) {
    return new RunLimits(
        settings.longValue(MAX_EVENTS, Long.MAX_VALUE),
        settings.size(MAX_BYTES, DEFAULT_MAX_BYTES),
        settings.duration(MAX_DURATION, Duration.ZERO),
        settings.decimal(MAX_REJECT_RATIO, 1.0),
        settings.integer(READ_AHEAD, DEFAULT_READ_AHEAD));
  }

  /**
   * Whether a run that has taken {@code events} and {@code bytes} in {@code elapsed} starts no
   * further batch, the next one being {@code nextSize} bytes when that is known; bytes as {@link
   * #bytesReached}.
   */
  boolean reached(long events, long bytes, OptionalLong nextSize, Duration elapsed) {
    return events >= maxEvents
        || bytesReached(bytes, nextSize)
        || (!maxDuration.isZero() && elapsed.compareTo(maxDuration) >= 0);
  }

  /**
   * The one rule for {@link #maxBytes}: whether a run that has taken {@code bytes} of stored input
   * takes no further batch, the next one being {@code nextSize} bytes when that is known. A batch
   * that would take the bytes past the limit waits; a batch of unknown size waits once they have
   * reached it. The caller always takes a run's first batch. A source's listing applies it too, so
   * that it does not list (and, for a spool, hash) batches the run would defer.
   */
  public boolean bytesReached(long bytes, OptionalLong nextSize) {
    long byteLimit = maxBytes.bytes();
    return bytes >= byteLimit || (nextSize.isPresent() && nextSize.getAsLong() > byteLimit - bytes);
  }
}
