package dev.floe.cli;

import dev.floe.catalog.LocalFileIO;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.util.Map;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

/**
 * The embedded warehouse's FileIO ({@link LocalFileIO}) over a disk that fills up: the CLI loads it by name ({@code -D
 * catalog.property.io-impl=dev.floe.cli.FaultyFileIO}) and reads where to fail from catalog
 * properties, so a test runs the real command against it.
 *
 * <ul>
 *   <li>{@code faulty.files}: which files fail, by how their name ends ({@code .parquet},
 *       {@code .metadata.json}, {@code .avro});
 *   <li>{@code faulty.after-bytes}: the write that goes past this many bytes of such a file fails,
 *       and every write, flush and close after it (the disk stays full); 0 fails the first;
 *   <li>{@code faulty.above}: {@code true} fails above LocalFileIO's translation, as a plain
 *       HadoopFileIO (a library caller's catalog) would: the FSError reaches floe as it is;
 *   <li>{@code faulty.error}: {@code enospc} throws what Hadoop's local file system throws when the
 *       disk is full (an {@code FSError}, an Error, around {@code IOException: No space left on
 *       device}); {@code illegal-argument} an IllegalArgumentException, as an Iceberg check would.
 * </ul>
 */
public class FaultyFileIO extends LocalFileIO {
  private String suffix = "\0";
  private long afterBytes;
  private String error = "enospc";
  private boolean above;

  public FaultyFileIO() {}

  @Override
  public void initialize(Map<String, String> properties) {
    super.initialize(properties);
    suffix = properties.getOrDefault("faulty.files", suffix);
    afterBytes = Long.parseLong(properties.getOrDefault("faulty.after-bytes", "0"));
    error = properties.getOrDefault("faulty.error", error);
    above = Boolean.parseBoolean(properties.getOrDefault("faulty.above", "false"));
  }

  @Override
  public OutputFile newOutputFile(String path) {
    OutputFile file = super.newOutputFile(path);
    return above && path.endsWith(suffix) ? new FullDiskFile(file) : file;
  }

  /** Beneath LocalFileIO, as Hadoop's local file system is. */
  @Override
  protected OutputFile hadoopOutputFile(String path) {
    OutputFile file = super.hadoopOutputFile(path);
    return !above && path.endsWith(suffix) ? new FullDiskFile(file) : file;
  }

  private final class FullDiskFile implements OutputFile {
    private final OutputFile file;

    FullDiskFile(OutputFile file) {
      this.file = file;
    }

    @Override
    public PositionOutputStream create() {
      return new FillingStream(file.create(), file.location());
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return new FillingStream(file.createOrOverwrite(), file.location());
    }

    @Override
    public String location() {
      return file.location();
    }

    @Override
    public InputFile toInputFile() {
      return file.toInputFile();
    }
  }

  private final class FillingStream extends PositionOutputStream {
    private final PositionOutputStream out;
    private final String location;
    private boolean full;

    FillingStream(PositionOutputStream out, String location) {
      this.out = out;
      this.location = location;
    }

    @Override
    public long getPos() throws IOException {
      return out.getPos();
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (full || out.getPos() + length > afterBytes) {
        // What fits is written, as on a real disk: the partial file is left to be deleted.
        long room = Math.max(0, afterBytes - out.getPos());
        if (!full && room > 0) {
          out.write(bytes, offset, (int) room);
        }
        full = true;
        throw fail();
      }
      out.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
      if (full) {
        throw fail();
      }
      out.flush();
    }

    @Override
    public void close() throws IOException {
      if (full) {
        out.close();
        throw fail();
      }
      out.close();
    }

    private RuntimeException fail() {
      if (error.equals("illegal-argument")) {
        throw new IllegalArgumentException("Cannot write " + location + ": a check that refuses it");
      }
      throw fsError(new IOException("No space left on device"));
    }
  }

  /** Hadoop's RawLocalFileSystem wraps a failed write so; the constructor is package-private. */
  static Error fsError(IOException cause) {
    try {
      Constructor<?> constructor = Class.forName("org.apache.hadoop.fs.FSError").getDeclaredConstructor(Throwable.class);
      constructor.setAccessible(true);
      return (Error) constructor.newInstance(cause);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("Cannot build Hadoop's FSError", e);
    }
  }
}
