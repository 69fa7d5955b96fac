package dev.floe.core;

import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.OutputFile;

/**
 * The local file system, except that creating the data file after {@link #DATA_FILES_ALLOWED}
 * more fails, as a full disk or a refused upload would. For a catalog's {@code io-impl}; tests set
 * the allowance and reset it.
 */
public final class FailingFileIO extends HadoopFileIO {
  public static final AtomicInteger DATA_FILES_ALLOWED = new AtomicInteger(Integer.MAX_VALUE);

  @Override
  public OutputFile newOutputFile(String path) {
    if (path.endsWith(".parquet") && DATA_FILES_ALLOWED.getAndDecrement() <= 0) {
      throw new UncheckedIOException("Cannot create " + path, new java.io.IOException("No space left on device"));
    }
    return super.newOutputFile(path);
  }
}
