package dev.floe.server;

import dev.floe.core.IngestResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/** Counters of {@code floe serve}, rendered in Prometheus' text format for {@code GET /metrics}. */
final class ServeMetrics {
  private final Map<String, StreamMetrics> streams = new ConcurrentSkipListMap<>();
  /** Answers that name no stream (a wrong path, a bad method): by status code. */
  private final Map<Integer, LongAdder> unrouted = new ConcurrentHashMap<>();

  StreamMetrics stream(String name) {
    return streams.computeIfAbsent(name, StreamMetrics::new);
  }

  void unrouted(int status) {
    unrouted.computeIfAbsent(status, code -> new LongAdder()).increment();
  }

  /** Per-stream counters; the gauges (spool bytes and age) are read from the stream when rendered. */
  static final class StreamMetrics {
    private final String name;
    private final Map<Integer, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder commits = new LongAdder();
    private final LongAdder commitFailures = new LongAdder();
    private final LongAdder eventsCommitted = new LongAdder();
    private final AtomicLong commitMillisTotal = new AtomicLong();
    private final AtomicLong lastCommitEpochMillis = new AtomicLong();
    private final LongAdder syncs = new LongAdder();
    private final LongAdder syncNanosTotal = new LongAdder();
    private final AtomicLong syncNanosMax = new AtomicLong();

    private StreamMetrics(String name) {
      this.name = name;
    }

    void answered(int status) {
      requests.computeIfAbsent(status, code -> new LongAdder()).increment();
    }

    void accepted(long events, long rejectedEvents, long bodyBytes) {
      accepted.add(events);
      rejected.add(rejectedEvents);
      bytes.add(bodyBytes);
    }

    void committed(IngestResult result, Duration took, Instant at) {
      commits.increment();
      eventsCommitted.add(result.eventsWritten());
      commitMillisTotal.addAndGet(took.toMillis());
      lastCommitEpochMillis.set(at.toEpochMilli());
    }

    /** One group commit of the spool: an fsync that took {@code nanos}. */
    void synced(long nanos) {
      syncs.increment();
      syncNanosTotal.add(nanos);
      syncNanosMax.accumulateAndGet(nanos, Math::max);
    }

    void commitFailed() {
      commitFailures.increment();
    }
  }

  /** The text exposition; {@code stream} gives the live gauges of each stream by name. */
  String render(Function<String, Optional<ServedStream>> stream, Instant now) {
    StringBuilder out = new StringBuilder();
    help(out, "floe_serve_requests_total", "counter", "Requests answered, by stream and status code.");
    for (StreamMetrics metrics : streams.values()) {
      new TreeMap<>(metrics.requests).forEach((code, count) ->
          out.append("floe_serve_requests_total{stream=\"").append(escape(metrics.name)).append("\",code=\"")
              .append(code).append("\"} ").append(count.sum()).append('\n'));
    }
    new TreeMap<>(unrouted).forEach((code, count) ->
        out.append("floe_serve_requests_total{stream=\"\",code=\"").append(code).append("\"} ").append(count.sum()).append('\n'));
    counter(out, "floe_serve_events_accepted_total", "Valid events in requests answered 200.", m -> m.accepted.sum());
    counter(out, "floe_serve_events_rejected_total", "Invalid events in requests answered 200 (dead-lettered at commit).", m -> m.rejected.sum());
    counter(out, "floe_serve_request_bytes_total", "Request body bytes spooled (as sent, before gzip is undone).", m -> m.bytes.sum());
    counter(out, "floe_serve_commits_total", "Rolls committed to the table.", m -> m.commits.sum());
    counter(out, "floe_serve_commit_failures_total", "Commit attempts that failed (their segments are kept).", m -> m.commitFailures.sum());
    counter(out, "floe_serve_events_committed_total", "Events written by the commits.", m -> m.eventsCommitted.sum());
    counter(out, "floe_serve_commit_seconds_total", "Time spent in commits (divide by floe_serve_commits_total).",
        m -> m.commitMillisTotal.get() / 1000.0);
    counter(out, "floe_serve_spool_syncs_total", "Group commits of the spool: one fsync each, for every request waiting.",
        m -> m.syncs.sum());
    counter(out, "floe_serve_spool_sync_seconds_total", "Time spent in the spool's fsyncs (divide by floe_serve_spool_syncs_total).",
        m -> m.syncNanosTotal.sum() / 1e9);
    help(out, "floe_serve_spool_sync_seconds_max", "gauge", "The slowest spool fsync since the server started: a slow disk holds every answer this long.");
    for (StreamMetrics m : streams.values()) {
      line(out, "floe_serve_spool_sync_seconds_max", m.name, m.syncNanosMax.get() / 1e9);
    }
    help(out, "floe_serve_last_commit_timestamp_seconds", "gauge", "When the last commit finished (Unix seconds); 0 before the first.");
    for (StreamMetrics m : streams.values()) {
      line(out, "floe_serve_last_commit_timestamp_seconds", m.name, m.lastCommitEpochMillis.get() / 1000.0);
    }
    help(out, "floe_serve_spool_bytes", "gauge", "Bytes accepted and not yet committed.");
    for (StreamMetrics m : streams.values()) {
      stream.apply(m.name).ifPresent(s -> line(out, "floe_serve_spool_bytes", m.name, s.spooledBytes()));
    }
    help(out, "floe_serve_spool_oldest_age_seconds", "gauge", "Age of the oldest event not yet committed; 0 when none waits.");
    for (StreamMetrics m : streams.values()) {
      stream.apply(m.name).ifPresent(s -> line(out, "floe_serve_spool_oldest_age_seconds", m.name,
          s.oldestWaiting().map(t -> Math.max(0, Duration.between(t, now).toMillis()) / 1000.0).orElse(0.0)));
    }
    return out.toString();
  }

  private void counter(StringBuilder out, String metric, String help, Function<StreamMetrics, Number> value) {
    help(out, metric, "counter", help);
    for (StreamMetrics m : streams.values()) {
      line(out, metric, m.name, value.apply(m));
    }
  }

  private static void help(StringBuilder out, String metric, String type, String help) {
    out.append("# HELP ").append(metric).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(metric).append(' ').append(type).append('\n');
  }

  private static void line(StringBuilder out, String metric, String stream, Number value) {
    out.append(metric).append("{stream=\"").append(escape(stream)).append("\"} ").append(value).append('\n');
  }

  /** A label value as the text format requires: backslash, double quote and line feed escaped. */
  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
