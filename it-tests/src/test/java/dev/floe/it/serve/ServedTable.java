package dev.floe.it.serve;

import dev.floe.core.commit.BatchLedger;
import dev.floe.it.cron.TableCheck;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * A table written by {@code floe serve} compared with what its clients sent: every event of a
 * request answered 200 must be there once with its values; an event of a request never answered
 * may be there at most once; a request is there whole or not at all; and floe's commits hold each
 * request's batch once.
 *
 * @param answeredLost events of requests answered 200 that have no row
 * @param doubled rows beyond the first of a {@code (do_id, seq)}
 * @param unexpected rows whose {@code (do_id, seq)} was never sent
 * @param wrongValues events whose row differs from what was sent
 * @param partialRequests requests with some of their events in the table but not all
 * @param requestsInTable requests with their events in the table
 * @param unansweredInTable of those, requests never answered 200 (their answer was lost)
 * @param batchesCommitted batches floe's commits on the current history say they hold
 * @param snapshots commits on the current history
 * @param example the first problem found, for the failure message
 */
record ServedTable(long rows, long answeredLost, long doubled, long unexpected, long wrongValues, long partialRequests,
    long requestsInTable, long unansweredInTable, long batchesCommitted, long snapshots, String example) {

  boolean exactlyOnce() {
    return answeredLost == 0 && doubled == 0 && unexpected == 0 && wrongValues == 0 && partialRequests == 0
        && batchesCommitted == requestsInTable;
  }

  static ServedTable compare(Table table, ServeClients clients) {
    Map<String, List<Object>> sent = clients.events();
    Map<String, String> requestOf = clients.requestOfEvent();
    TableCheck.Rows read = TableCheck.read(table);
    Map<String, Integer> counts = read.counts();
    Map<String, List<Object>> values = read.values();
    long rows = read.rows();
    long lost = 0;
    long doubled = 0;
    long unexpected = 0;
    long wrong = 0;
    String example = "";
    Map<String, Integer> landedPerRequest = new HashMap<>();
    for (Map.Entry<String, List<Object>> event : sent.entrySet()) {
      String request = requestOf.get(event.getKey());
      Integer count = counts.get(event.getKey());
      if (count == null) {
        if (clients.wasAnswered(request)) {
          lost++;
          example = example.isEmpty() ? "lost " + event.getKey() + " of request " + request + ", answered 200" : example;
        }
        continue;
      }
      landedPerRequest.merge(request, 1, Integer::sum);
      if (!Objects.equals(values.get(event.getKey()), event.getValue())) {
        wrong++;
        example = example.isEmpty()
            ? "wrong " + event.getKey() + ": " + values.get(event.getKey()) + " != " + event.getValue() : example;
      }
    }
    for (Map.Entry<String, Integer> count : counts.entrySet()) {
      doubled += count.getValue() - 1;
      if (count.getValue() > 1 && example.isEmpty()) {
        example = "doubled " + count.getKey() + " x" + count.getValue() + " (request " + requestOf.get(count.getKey()) + ")";
      }
      if (!sent.containsKey(count.getKey())) {
        unexpected += count.getValue();
        example = example.isEmpty() ? "unexpected " + count.getKey() : example;
      }
    }
    long partial = 0;
    Set<String> unanswered = new HashSet<>();
    for (Map.Entry<String, Integer> landed : landedPerRequest.entrySet()) {
      int events = clients.request(landed.getKey()).orElseThrow().events();
      if (landed.getValue() != events) {
        partial++;
        example = example.isEmpty() ? "request " + landed.getKey() + " has " + landed.getValue() + " of " + events
            + " events in the table" : example;
      }
      if (!clients.wasAnswered(landed.getKey())) {
        unanswered.add(landed.getKey());
      }
    }
    long batches = 0;
    long snapshots = 0;
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      if (snapshot.summary().containsKey(BatchLedger.RUN_ID)) {
        snapshots++;
        batches += Long.parseLong(snapshot.summary().getOrDefault(BatchLedger.BATCH_COUNT, "0"));
      }
    }
    if (example.isEmpty() && batches != landedPerRequest.size()) {
      example = batches + " batches committed for " + landedPerRequest.size() + " requests in the table";
    }
    return new ServedTable(rows, lost, doubled, unexpected, wrong, partial, landedPerRequest.size(), unanswered.size(),
        batches, snapshots, example);
  }

  @Override
  public String toString() {
    return String.format("table: %,d rows in %,d commits holding %,d batches for %,d requests (%d never answered 200);"
        + " answered but lost %d, doubled %d, unexpected %d, wrong values %d, partial requests %d%s",
        rows, snapshots, batchesCommitted, requestsInTable, unansweredInTable, answeredLost, doubled, unexpected,
        wrongValues, partialRequests, example.isEmpty() ? "" : "; first problem: " + example);
  }
}
