package dev.floe.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

/**
 * The local file system, except that data files fail as a full disk or a refused upload would:
 * creating one after {@link #DATA_FILES_ALLOWED} more, or closing (finishing) one after {@link
 * #CLOSES_ALLOWED} more. For a catalog's {@code io-impl}; tests set the allowances and reset them.
 */
public final class FailingFileIO extends HadoopFileIO {
  public static final AtomicInteger DATA_FILES_ALLOWED = new AtomicInteger(Integer.MAX_VALUE);
  public static final AtomicInteger CLOSES_ALLOWED = new AtomicInteger(Integer.MAX_VALUE);

  public static void reset() {
    DATA_FILES_ALLOWED.set(Integer.MAX_VALUE);
    CLOSES_ALLOWED.set(Integer.MAX_VALUE);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    OutputFile file = super.newOutputFile(path);
    if (!path.endsWith(".parquet")) {
      return file;
    }
    if (DATA_FILES_ALLOWED.getAndDecrement() <= 0) {
      throw new UncheckedIOException("Cannot create " + path, new IOException("No space left on device"));
    }
    return new OutputFile() {
      @Override
      public PositionOutputStream create() {
        return failingClose(file.create());
      }

      @Override
      public PositionOutputStream createOrOverwrite() {
        return failingClose(file.createOrOverwrite());
      }

      @Override
      public String location() {
        return file.location();
      }

      @Override
      public InputFile toInputFile() {
        return file.toInputFile();
      }
    };
  }

  private static PositionOutputStream failingClose(PositionOutputStream out) {
    return new PositionOutputStream() {
      @Override
      public long getPos() throws IOException {
        return out.getPos();
      }

      @Override
      public void write(int b) throws IOException {
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
        if (CLOSES_ALLOWED.getAndDecrement() <= 0) {
          throw new IOException("No space left on device");
        }
      }
    };
  }
}
