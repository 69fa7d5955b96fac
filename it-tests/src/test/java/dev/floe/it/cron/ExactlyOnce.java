package dev.floe.it.cron;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The end state every cron test demands: each valid event once, each file done once, no claim left. */
final class ExactlyOnce {
  private ExactlyOnce() {}

  /**
   * Asserts the table holds exactly the events of {@code books}, each once and with its values; that
   * floe's commits on the history hold exactly the batches dropped; that each broken line is dead-lettered
   * once; and that each inbox has moved every dropped file to done/ exactly once, with nothing
   * waiting, failed, claimed or locked.
   */
  static TableCheck.Comparison assertAll(Target target, List<EventBook> books, Map<Inbox, List<String>> dropped) {
    return assertAll(target, books, dropped, Map.of());
  }

  /**
   * As {@link #assertAll(Target, List, Map)}, where {@code failed} names what each inbox must hold
   * in failed/ (files that could not be read, and their reason files) instead of nothing.
   */
  static TableCheck.Comparison assertAll(
      Target target, List<EventBook> books, Map<Inbox, List<String>> dropped, Map<Inbox, List<String>> failed) {
    Map<String, List<Object>> expected = new HashMap<>();
    int batches = 0;
    for (EventBook book : books) {
      expected.putAll(book.expected());
      batches += book.batches();
    }
    int batchCount = batches;
    TableCheck.Comparison comparison = target.withTable(table -> {
      assertThat(TableCheck.batchesCommitted(table)).as("batches committed on %s", table.name()).isEqualTo(batchCount);
      return TableCheck.compare(table, expected);
    }).orElseThrow(() -> new AssertionError("Table " + target.table() + " was never created"));
    assertThat(comparison.exactlyOnce()).as("%s", comparison).isTrue();
    int broken = books.stream().mapToInt(EventBook::brokenLines).sum();
    assertThat(deadLetterLines(target.deadLetters())).as("dead letters in %s", target.deadLetters()).isEqualTo(broken);
    dropped.forEach((inbox, names) -> {
      assertThat(inbox.waiting()).as("files left waiting in %s", inbox.sourceArgs()).isEmpty();
      assertThat(inbox.failed()).as("files failed in %s", inbox.sourceArgs())
          .containsExactlyInAnyOrderElementsOf(failed.getOrDefault(inbox, List.of()));
      assertThat(inbox.claimFiles()).as("claims left in %s", inbox.sourceArgs()).isEmpty();
      assertThat(inbox.strayLocks()).as("leases left in %s", inbox.sourceArgs()).isEmpty();
      List<String> sorted = new ArrayList<>(names);
      sorted.sort(null);
      assertThat(inbox.done()).as("files in done/ of %s", inbox.sourceArgs()).containsExactlyElementsOf(sorted);
    });
    return comparison;
  }

  /** Lines in the published dead-letter files (a retried batch replaces its earlier file). */
  private static long deadLetterLines(Path directory) {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(directory)) {
      long lines = 0;
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".ndjson")).toList()) {
        lines += Files.readAllLines(file).stream().filter(line -> !line.isBlank()).count();
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
