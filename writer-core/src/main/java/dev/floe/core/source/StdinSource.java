package dev.floe.core.source;

import dev.floe.core.Batch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Standard input as one batch. It is first copied to a temp file (memory stays bounded whatever
 * its size), so its id can be its content hash: piping the same bytes twice commits them once.
 */
public final class StdinSource extends UnacknowledgedSource {
  private final InputStream in;
  private Path copy;

  public StdinSource(InputStream in) {
    this.in = in;
  }

  @Override
  public String name() {
    return "standard input";
  }

  @Override
  public List<Batch> pending() {
    try {
      if (copy == null) {
        copy = Files.createTempFile("floe-stdin-", ".batch");
        Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      }
      if (Files.size(copy) == 0) {
        return List.of();
      }
      Path source = copy;
      return List.of(Batch.of("stdin:" + Batch.contentId(source), "stdin", () -> Files.newInputStream(source)).withSize(Files.size(source)));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read standard input: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (copy != null) {
      try {
        Files.deleteIfExists(copy);
      } catch (IOException ignored) {
        // A temp file; the OS cleans its temp directory.
      }
    }
  }
}
