package dev.floe.core.deadletter;

import dev.floe.core.decode.Reject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dead letters as {@code <dir>/<source name>-<batch digest>.ndjson}, written to a temp name and
 * renamed on publish. The digest keeps the name stable when a batch is retried, so a retry replaces
 * its earlier dead letters instead of adding to them.
 */
final class DirectoryDeadLetters implements DeadLetters {
  private final Path directory;

  DirectoryDeadLetters(Path directory) {
    this.directory = directory.toAbsolutePath();
  }

  @Override
  public Run begin(String runId) {
    return new DirectoryRun(runId);
  }

  private final class DirectoryRun implements Run {
    private final String runId;
    private final Map<String, BufferedWriter> writers = new LinkedHashMap<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    private final List<Path> published = new ArrayList<>();

    DirectoryRun(String runId) {
      this.runId = runId;
    }

    @Override
    public void reject(String batchDigest, Reject reject) {
      try {
        BufferedWriter writer = writers.get(batchDigest);
        if (writer == null) {
          names.put(batchDigest, fileName(reject.source(), batchDigest));
          Files.createDirectories(directory);
          writer = Files.newBufferedWriter(temp(batchDigest), StandardCharsets.UTF_8);
          writers.put(batchDigest, writer);
        }
        writer.write(reject.toJson());
        writer.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write dead letters to " + directory + ": " + e.getMessage(), e);
      }
    }

    @Override
    public List<String> publish() {
      List<String> locations = new ArrayList<>();
      for (Map.Entry<String, BufferedWriter> entry : writers.entrySet()) {
        Path target = directory.resolve(names.get(entry.getKey()));
        try {
          entry.getValue().close();
          Files.move(temp(entry.getKey()), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot publish dead letters " + target + ": " + e.getMessage(), e);
        }
        published.add(target);
        locations.add(target.toString());
      }
      writers.clear();
      return locations;
    }

    @Override
    public void discard() {
      for (String digest : writers.keySet()) {
        closeQuietly(writers.get(digest));
        deleteQuietly(temp(digest));
      }
      writers.clear();
      published.forEach(DirectoryDeadLetters::deleteQuietly);
      published.clear();
    }

    private Path temp(String digest) {
      return directory.resolve("." + digest + "." + runId + ".tmp");
    }
  }

  /** The source's last path segment, made safe for a file name, then the digest. */
  static String fileName(String source, String batchDigest) {
    String base = source.substring(source.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
    if (base.length() > 100) {
      base = base.substring(0, 100);
    }
    return (base.isEmpty() ? "" : base + "-") + batchDigest + ".ndjson";
  }

  static void closeQuietly(BufferedWriter writer) {
    try {
      writer.close();
    } catch (IOException ignored) {
      // Being discarded anyway.
    }
  }

  static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // Best effort: a leftover temp file holds only rejects of an uncommitted run.
    }
  }
}
