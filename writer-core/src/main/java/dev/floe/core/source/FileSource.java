package dev.floe.core.source;

import dev.floe.core.Batch;
import dev.floe.core.config.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Files named on the command line. They are left where they are after the commit: exactly-once
 * comes from the batch ids alone (offering a file again commits nothing), and no lock is needed
 * since a concurrent run that commits the same file first makes the other's commit fail
 * validation without committing anything.
 */
public final class FileSource extends UnacknowledgedSource {
  private final List<Path> files;

  public FileSource(List<Path> files) {
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new InvalidConfigException("Invalid input: " + file + " is not a readable file");
      }
    }
    this.files = List.copyOf(files);
  }

  @Override
  public String name() {
    return files.size() == 1 ? "file " + files.get(0) : files.size() + " files";
  }

  @Override
  public List<Batch> pending() {
    List<Batch> batches = new ArrayList<>();
    files.forEach(file -> batches.add(Batch.ofFile(file)));
    return batches;
  }

  @Override
  public void close() {}
}
