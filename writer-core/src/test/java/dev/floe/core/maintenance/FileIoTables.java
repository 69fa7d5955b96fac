package dev.floe.core.maintenance;

import org.apache.iceberg.BaseTable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

/** A table as another FileIO sees it: the same metadata and commits, the files through {@code io}. */
final class FileIoTables {
  private FileIoTables() {}

  static Table withIo(Table table, FileIO io) {
    return new BaseTable(new Operations(((HasTableOperations) table).operations(), io), table.name());
  }

  private static final class Operations implements TableOperations {
    private final TableOperations delegate;
    private final FileIO io;

    Operations(TableOperations delegate, FileIO io) {
      this.delegate = delegate;
      this.io = io;
    }

    @Override
    public TableMetadata current() {
      return delegate.current();
    }

    @Override
    public TableMetadata refresh() {
      return delegate.refresh();
    }

    @Override
    public void commit(TableMetadata base, TableMetadata metadata) {
      delegate.commit(base, metadata);
    }

    @Override
    public FileIO io() {
      return io;
    }

    @Override
    public String metadataFileLocation(String fileName) {
      return delegate.metadataFileLocation(fileName);
    }

    @Override
    public LocationProvider locationProvider() {
      return delegate.locationProvider();
    }
  }
}
