package dev.floe.core.write;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Storage failures that arrive as an {@link Error}: Hadoop's local file system (the embedded
 * warehouse's HadoopFileIO) wraps a failed write, "No space left on device" above all, in {@code
 * org.apache.hadoop.fs.FSError}, which passes every {@code catch (Exception)} on its way up:
 * through Iceberg's retries and cleanup, and through a caller that would delete what it wrote.
 * Turned into an {@link UncheckedIOException} that names the file, it is handled like any other
 * storage failure.
 */
public final class StorageErrors {
  private StorageErrors() {}

  /**
   * {@code error} as an {@code UncheckedIOException} "{@code <what>: <cause>}" when it is a
   * storage failure (an Error around an {@code IOException}, as {@code FSError} is); any other
   * Error (out of memory, a linkage error) is rethrown as it is.
   */
  public static UncheckedIOException unchecked(Error error, String what) {
    if (!(error instanceof VirtualMachineError) && error.getCause() instanceof IOException cause) {
      UncheckedIOException unchecked = new UncheckedIOException(what + ": " + cause.getMessage(), cause);
      unchecked.addSuppressed(error);
      return unchecked;
    }
    throw error;
  }

  /** The message of the innermost cause: "No space left on device" rather than what a layer above made of it. */
  public static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }
}
