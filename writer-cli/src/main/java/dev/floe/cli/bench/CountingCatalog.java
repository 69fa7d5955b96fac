package dev.floe.cli.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.BaseMetastoreTableOperations;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

/**
 * Counts the catalog round trips of a run at Iceberg's API boundary: table loads, metadata
 * refreshes (explicit ones, and the implicit one Iceberg makes on first use after a commit, seen
 * as a new metadata object the wrapper did not ask for) and commits; and times the commits.
 * Tables that exist already only: creating one is not counted.
 */
public final class CountingCatalog implements Catalog {
  private final Catalog delegate;
  private final AtomicLong loads = new AtomicLong();
  private final AtomicLong refreshes = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong commitNanos = new AtomicLong();

  public CountingCatalog(Catalog delegate) {
    this.delegate = delegate;
  }

  public long loads() {
    return loads.get();
  }

  public long refreshes() {
    return refreshes.get();
  }

  public long commits() {
    return commits.get();
  }

  public long requests() {
    return loads() + refreshes() + commits();
  }

  public long commitNanos() {
    return commitNanos.get();
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public Table loadTable(TableIdentifier identifier) {
    Table table = delegate.loadTable(identifier);
    loads.incrementAndGet();
    return new BaseTable(new CountingOperations(((HasTableOperations) table).operations()), table.name());
  }

  @Override
  public List<TableIdentifier> listTables(Namespace namespace) {
    return delegate.listTables(namespace);
  }

  @Override
  public boolean dropTable(TableIdentifier identifier, boolean purge) {
    return delegate.dropTable(identifier, purge);
  }

  @Override
  public void renameTable(TableIdentifier from, TableIdentifier to) {
    delegate.renameTable(from, to);
  }

  @Override
  public void initialize(String name, Map<String, String> properties) {
    throw new UnsupportedOperationException("Cannot initialize a wrapper");
  }

  private final class CountingOperations implements TableOperations {
    private final TableOperations ops;
    private TableMetadata seen;

    CountingOperations(TableOperations ops) {
      this.ops = ops;
      this.seen = ops.current();
    }

    @Override
    public TableMetadata current() {
      TableMetadata current = ops.current();
      if (current != seen) {
        // A metastore catalog (JDBC, Hive, ...) re-reads the metadata pointer on first use after a
        // commit; a REST catalog gets the new metadata in the commit response, without a request.
        if (ops instanceof BaseMetastoreTableOperations) {
          refreshes.incrementAndGet();
        }
        seen = current;
      }
      return current;
    }

    @Override
    public TableMetadata refresh() {
      refreshes.incrementAndGet();
      seen = ops.refresh();
      return seen;
    }

    @Override
    public void commit(TableMetadata base, TableMetadata metadata) {
      long start = System.nanoTime();
      try {
        ops.commit(base, metadata);
      } finally {
        commits.incrementAndGet();
        commitNanos.addAndGet(System.nanoTime() - start);
      }
    }

    @Override
    public FileIO io() {
      return ops.io();
    }

    @Override
    public EncryptionManager encryption() {
      return ops.encryption();
    }

    @Override
    public String metadataFileLocation(String fileName) {
      return ops.metadataFileLocation(fileName);
    }

    @Override
    public LocationProvider locationProvider() {
      return ops.locationProvider();
    }

    @Override
    public TableOperations temp(TableMetadata uncommittedMetadata) {
      return ops.temp(uncommittedMetadata);
    }

    @Override
    public long newSnapshotId() {
      return ops.newSnapshotId();
    }

    @Override
    public boolean requireStrictCleanup() {
      return ops.requireStrictCleanup();
    }
  }
}
