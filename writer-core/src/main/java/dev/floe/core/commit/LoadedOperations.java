package dev.floe.core.commit;

import org.apache.iceberg.BaseTable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.Transactions;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.metrics.LoggingMetricsReporter;

/**
 * A table's operations whose first {@link #refresh()} answers with the metadata the table already
 * holds instead of asking the catalog; every later call goes to the table's own operations.
 *
 * <p>For starting a transaction with one catalog read fewer. Iceberg's {@code
 * Table.newTransaction()} refreshes to find its starting point, and {@code commitTransaction()}
 * refreshes again just before committing, re-applying the staged updates (so re-running their
 * validation) when the table moved in between. The first read adds nothing to a table that was
 * loaded for the run: the second is the one the commit is checked against, and the catalog
 * accepts the commit only if the table is still at that state.
 */
final class LoadedOperations implements TableOperations {
  private final TableOperations operations;
  private boolean refreshed;

  private LoadedOperations(TableOperations operations) {
    this.operations = operations;
  }

  /**
   * A transaction on {@code table} that starts from the metadata the table holds; Iceberg's own
   * {@link Table#newTransaction()} for a table that exposes no operations.
   */
  static Transaction newTransaction(Table table) {
    if (!(table instanceof HasTableOperations loaded)) {
      return table.newTransaction();
    }
    return Transactions.newTransaction(
        table.name(),
        new LoadedOperations(loaded.operations()),
        table instanceof BaseTable base ? base.reporter() : LoggingMetricsReporter.instance());
  }

  @Override
  public TableMetadata current() {
    return operations.current();
  }

  @Override
  public TableMetadata refresh() {
    if (!refreshed) {
      refreshed = true;
      return operations.current();
    }
    return operations.refresh();
  }

  @Override
  public void commit(TableMetadata base, TableMetadata metadata) {
    operations.commit(base, metadata);
  }

  @Override
  public FileIO io() {
    return operations.io();
  }

  @Override
  public EncryptionManager encryption() {
    return operations.encryption();
  }

  @Override
  public String metadataFileLocation(String fileName) {
    return operations.metadataFileLocation(fileName);
  }

  @Override
  public LocationProvider locationProvider() {
    return operations.locationProvider();
  }

  @Override
  public TableOperations temp(TableMetadata uncommittedMetadata) {
    return operations.temp(uncommittedMetadata);
  }

  @Override
  public long newSnapshotId() {
    return operations.newSnapshotId();
  }

  @Override
  public boolean requireStrictCleanup() {
    return operations.requireStrictCleanup();
  }
}
