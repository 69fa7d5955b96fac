package dev.floe.server;

import dev.floe.core.Batch;
import dev.floe.core.BatchOutcome;
import dev.floe.core.FloeWriter;
import dev.floe.core.IngestResult;
import dev.floe.core.commit.CommitUnknownException;
import dev.floe.core.decode.EventDecoder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream that {@code floe serve} accepts: its write-ahead spool, and the committer thread that
 * ingests each rolled segment through the ordinary write path ({@link FloeWriter}) as one commit.
 * A segment is deleted only once every batch of it is in the table; after any failure, an unknown
 * commit outcome included, it stays and is offered again, and the table's batch ledger skips what
 * already landed.
 */
final class ServedStream {
  private static final Logger LOG = LoggerFactory.getLogger(ServedStream.class);
  private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final String name;
  private final FloeWriter writer;
  private final boolean requiresToken;
  private final WriteAheadSpool spool;
  private final ServeMetrics.StreamMetrics metrics;
  private final Clock clock;
  private final LinkedBlockingDeque<Segment> rolled = new LinkedBlockingDeque<>();
  private final Thread committer;
  private final java.nio.file.Path spoolDirectory;
  private final long warmupEvents;
  /** The decoder that counts requests, and from when its timestamp window holds. */
  private volatile Counter counter;
  private volatile Schema schema;
  private volatile boolean stopping;
  private volatile Optional<String> commitProblem = Optional.empty();
  private volatile Instant retryAt = Instant.EPOCH;

  /** What a request's events came to: the decoder's verdict, before they are spooled. */
  record Counts(long accepted, long rejected) {}

  private record Counter(EventDecoder decoder, Instant builtAt) {}

  ServedStream(String name, FloeWriter writer, boolean requiresToken, ServeConfig config, ServeMetrics metrics,
      Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.writer = writer;
    this.requiresToken = requiresToken;
    this.clock = clock;
    this.metrics = metrics.stream(name);
    this.spoolDirectory = config.spoolDirectory().resolve(name);
    this.warmupEvents = config.warmupEvents();
    this.spool = new WriteAheadSpool(spoolDirectory, config.rollSize().bytes(),
        config.rollInterval(), config.rollInactivity(), clock, rolled::add, this.metrics::synced);
    this.committer = new Thread(this::commitLoop, "floe-serve-commit-" + name);
    // Shutdown is explicit (drain); a server that failed to start must not be kept alive by it.
    this.committer.setDaemon(true);
  }

  String name() {
    return name;
  }

  boolean requiresToken() {
    return requiresToken;
  }

  /** Loads (or creates) the table, warms up its write path, recovers the spool, and starts committing. */
  void start() {
    schema = writer.table().schema();
    counter = counter(clock.instant());
    WriteWarmup.run(writer, spoolDirectory, warmupEvents, clock, this::count);
    rolled.addAll(spool.open());
    committer.start();
  }

  /**
   * Counts a request's valid and invalid events, as the commit will decode them. A window relative
   * to now ({@code decode.timestamp-max-past}/{@code -max-future}) is applied again at commit time,
   * up to a roll interval later: an event on its edge may be counted here and rejected there.
   */
  Counts count(RequestBody.Lines ndjson) {
    long[] counts = new long[2];
    Instant now = clock.instant();
    Counter current = counter;
    boolean relative = writer.config().rules().timestamps().maxPast().isPresent()
        || writer.config().rules().timestamps().maxFuture().isPresent();
    if (relative && Duration.between(current.builtAt(), now).compareTo(Duration.ofSeconds(1)) > 0) {
      current = counter(now);
      counter = current;
    }
    current.decoder().decodeRows("request", ndjson.bytes(), 0, ndjson.length(), row -> counts[0]++, reject -> counts[1]++);
    return new Counts(counts[0], counts[1]);
  }

  CompletableFuture<Void> append(Optional<String> idempotencyKey, RequestBody.Lines ndjson) {
    return spool.append(idempotencyKey, ndjson.bytes(), ndjson.length());
  }

  void metricsAccepted(Counts counts, long bodyBytes) {
    metrics.accepted(counts.accepted(), counts.rejected(), bodyBytes);
  }

  void metricsAnswered(int status) {
    metrics.answered(status);
  }

  long spooledBytes() {
    return spool.spooledBytes();
  }

  /** Why new requests should wait, when the last commit failed; empty when commits go through. */
  Optional<String> commitProblem() {
    return commitProblem;
  }

  /** Seconds until the committer tries again, for {@code Retry-After}. */
  long retryAfterSeconds() {
    long millis = Duration.between(clock.instant(), retryAt).toMillis();
    return Math.max(1, (millis + 999) / 1000);
  }

  /** When the oldest event not yet committed arrived, if any is waiting. */
  Optional<Instant> oldestWaiting() {
    Segment first = rolled.peekFirst();
    if (first != null) {
      return Optional.of(first.firstAppend());
    }
    return spool.openSince();
  }

  /**
   * Rolls the open segment and commits everything spooled, until {@code deadline}.
   *
   * @return whether the spool is empty (everything accepted is in the table)
   */
  boolean drain(Instant deadline) {
    spool.close();
    stopping = true;
    try {
      committer.join(Math.max(1, Duration.between(clock.instant(), deadline).toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (committer.isAlive()) {
      committer.interrupt();
      try {
        committer.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return rolled.isEmpty() && spool.spooledBytes() == 0;
  }

  private Counter counter(Instant now) {
    return new Counter(new EventDecoder(schema, writer.config().limits(), writer.config().rules().at(now)), now);
  }

  private void commitLoop() {
    Duration backoff = MIN_BACKOFF;
    while (!(stopping && rolled.isEmpty())) {
      List<Segment> segments = new ArrayList<>();
      try {
        Segment first = rolled.pollFirst(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        segments.add(first);
        rolled.drainTo(segments);
      } catch (InterruptedException e) {
        return;
      }
      try {
        List<Segment> kept = commit(segments);
        commitProblem = Optional.empty();
        backoff = MIN_BACKOFF;
        requeue(kept);
        if (!kept.isEmpty()) {
          sleep(backoff);
        }
      } catch (RuntimeException e) {
        requeue(segments);
        metrics.commitFailed();
        String reason = e instanceof CommitUnknownException
            ? "the last commit's outcome is unknown (" + e.getMessage() + "); its segments are kept and offered again"
            : e.getMessage();
        commitProblem = Optional.of("Cannot commit stream " + name + ": " + reason);
        retryAt = clock.instant().plus(backoff);
        LOG.error("Cannot commit {} spool segments of stream {} to {}: {}; trying again in {} s", segments.size(), name,
            writer.config().table(), e.toString(), backoff.toSeconds(), e);
        if (!sleep(backoff)) {
          return;
        }
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }

  /** One commit of these segments; returns those not wholly in the table. */
  private List<Segment> commit(List<Segment> segments) {
    Map<Segment, List<Batch>> bySegment = new LinkedHashMap<>();
    List<Batch> batches = new ArrayList<>();
    for (Segment segment : segments) {
      List<Batch> ofSegment = segment.batches(name);
      bySegment.put(segment, ofSegment);
      batches.addAll(ofSegment);
    }
    Instant start = clock.instant();
    IngestResult result = writer.ingest(batches);
    metrics.committed(result, Duration.between(start, clock.instant()), clock.instant());
    Set<String> inTable = new HashSet<>();
    List<String> notIn = new ArrayList<>();
    for (BatchOutcome outcome : result.batches()) {
      if (outcome.inTable()) {
        inTable.add(outcome.batch().id());
      } else {
        notIn.add(outcome.batch().source() + ": " + outcome.status() + " (" + outcome.reason() + ")");
      }
    }
    List<Segment> kept = new ArrayList<>();
    bySegment.forEach((segment, ofSegment) -> {
      if (ofSegment.stream().allMatch(batch -> inTable.contains(batch.id()))) {
        spool.delete(segment);
      } else {
        kept.add(segment);
      }
    });
    if (!kept.isEmpty()) {
      LOG.warn("Stream {}: {} spool segments are not yet wholly in {} and are kept: {}", name, kept.size(),
          writer.config().table(), notIn);
    }
    return kept;
  }

  private void requeue(List<Segment> segments) {
    for (int i = segments.size() - 1; i >= 0; i--) {
      rolled.addFirst(segments.get(i));
    }
  }

  private static boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }
}
