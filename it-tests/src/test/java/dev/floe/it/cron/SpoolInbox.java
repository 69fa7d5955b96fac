package dev.floe.it.cron;

import dev.floe.core.RunLimits;
import dev.floe.core.source.SpoolSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** A spool folder; producers write {@code .name.tmp} and rename it into place, as docs/operations.md asks. */
record SpoolInbox(Path dir) implements Inbox {
  SpoolInbox {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<String> sourceArgs() {
    return List.of("--spool", dir.toString());
  }

  @Override
  public void drop(EventBook.Drop drop) {
    Path temp = dir.resolve("." + drop.name() + ".tmp");
    try {
      Files.write(temp, drop.content());
      Files.move(temp, dir.resolve(drop.name()), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot drop " + drop.name() + " into " + dir, e);
    }
  }

  @Override
  public List<String> waiting() {
    return files(dir);
  }

  @Override
  public List<String> done() {
    return files(dir.resolve("done"));
  }

  @Override
  public List<String> failed() {
    return files(dir.resolve("failed"));
  }

  @Override
  public List<String> claimFiles() {
    return files(dir.resolve(".floe").resolve("claims"));
  }

  @Override
  public List<String> strayLocks() {
    return List.of(); // The OS releases the lock with its holder; the lock file itself stays.
  }

  @Override
  public String sourceKey() {
    return new SpoolSource(dir, Duration.ZERO, RunLimits.defaults(), Clock.systemUTC()).key().orElseThrow();
  }

  private static List<String> files(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
