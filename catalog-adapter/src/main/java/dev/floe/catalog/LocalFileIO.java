package dev.floe.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.iceberg.exceptions.CleanableFailure;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

/**
 * The embedded warehouse's FileIO: {@link HadoopFileIO} on the local file system, except for how a
 * write fails. Hadoop's local file system wraps the IOException of a failed write ("No space left
 * on device") in {@code FSError}, an Error, which passes every {@code catch (Exception)}: Iceberg's
 * cleanup of a failed commit's manifests and floe's deletion of a failed run's data files alike.
 * Here it is a {@link LocalWriteException} naming the file, and the half-written file is deleted
 * (every file in the warehouse is written once, under a new name: a part of one is of no use).
 */
public class LocalFileIO extends HadoopFileIO {
  public LocalFileIO() {}

  @Override
  public OutputFile newOutputFile(String path) {
    return new Checked(hadoopOutputFile(path));
  }

  /** The output file Hadoop's file system gives; a test puts a disk that fills up here. */
  protected OutputFile hadoopOutputFile(String path) {
    return super.newOutputFile(path);
  }

  /**
   * A write to the local disk failed (a full disk, above all). Nothing was sent anywhere: a commit
   * it fails (while writing a manifest, the batch ledger or the new metadata, all before the
   * catalog is asked) did not land, so it is a {@link CleanableFailure} and Iceberg deletes the
   * commit's manifests.
   */
  public static final class LocalWriteException extends UncheckedIOException implements CleanableFailure {
    LocalWriteException(String location, IOException cause) {
      super("Cannot write " + location + ": " + cause.getMessage(), cause);
    }
  }

  private final class Checked implements OutputFile {
    private final OutputFile file;

    Checked(OutputFile file) {
      this.file = file;
    }

    @Override
    public PositionOutputStream create() {
      return new CheckedStream(file.create(), file.location());
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return new CheckedStream(file.createOrOverwrite(), file.location());
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

  private final class CheckedStream extends PositionOutputStream {
    private final PositionOutputStream out;
    private final String location;
    private boolean deleted;

    CheckedStream(PositionOutputStream out, String location) {
      this.out = out;
      this.location = location;
    }

    @Override
    public long getPos() throws IOException {
      return out.getPos();
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (Error e) {
        throw failed(e);
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      try {
        out.write(bytes, offset, length);
      } catch (Error e) {
        throw failed(e);
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (Error e) {
        throw failed(e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        out.close();
      } catch (Error e) {
        throw failed(e);
      }
    }

    /** Hadoop's FSError around an IOException: a LocalWriteException; any other Error as it is. */
    private LocalWriteException failed(Error error) {
      if (!(error instanceof VirtualMachineError) && error.getCause() instanceof IOException cause) {
        LocalWriteException failure = new LocalWriteException(location, cause);
        failure.addSuppressed(error);
        if (!deleted) {
          deleted = true;
          try {
            deleteFile(location);
          } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
          }
        }
        return failure;
      }
      throw error;
    }
  }
}
