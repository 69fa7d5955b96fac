package dev.floe.core.table;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the target table, creating namespace and table when missing, and checks that floe can write it. */
public final class TableBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(TableBootstrap.class);

  /** Conflicts met before giving up; each one means another writer changed the schema meanwhile. */
  private static final int MAX_EVOLVE_ATTEMPTS = 5;

  private TableBootstrap() {}

  /**
   * The target table, created when missing; when the definition was given by the user and has
   * gained fields, widened a type or made a field optional, the table's schema is evolved first, in
   * a commit of its own (see {@link SchemaEvolution}).
   *
   * @throws IncompatibleTableException floe cannot write the table, or cannot evolve it to the
   *     definition; the message names each field and why, and the table is left as it was
   */
  public static Table loadOrCreate(Catalog catalog, TableIdentifier id, TableDefinition definition) {
    return load(catalog, id, definition, true);
  }

  /**
   * For a dry run, which must create nothing: the table if it exists (checked as {@link
   * #loadOrCreate} does, and any evolution only logged), else the table floe would create, held in
   * an in-memory catalog of the same name.
   */
  public static Table loadOrPreview(Catalog catalog, TableIdentifier id, TableDefinition definition) {
    if (catalog.tableExists(id)) {
      return load(catalog, id, definition, false);
    }
    InMemoryCatalog preview = new InMemoryCatalog();
    preview.initialize(catalog.name(), Map.of());
    return loadOrCreate(preview, id, definition);
  }

  private static Table load(Catalog catalog, TableIdentifier id, TableDefinition definition, boolean evolve) {
    Table table;
    try {
      table = catalog.loadTable(id);
    } catch (NoSuchTableException e) {
      table = create(catalog, id, definition);
    }
    List<String> problems = incompatibilities(table.schema());
    if (!problems.isEmpty()) {
      throw new IncompatibleTableException(
          "Cannot write table " + id + ": it is not compatible with floe's schema: " + String.join("; ", problems));
    }
    if (!definition.schemaExplicit()) {
      return table; // the built-in schema follows whatever the table has
    }
    if (!evolve) {
      SchemaEvolution plan = plan(table, definition);
      refuseIfNeeded(id, plan);
      if (!plan.changes().isEmpty()) {
        LOG.info("Dry run: would evolve table {}: {}", id, String.join(", ", plan.describe()));
      }
      return table;
    }
    return evolve(table, id, definition);
  }

  /**
   * Evolves {@code table} until it can take the definition. The schema change is its own commit,
   * before any data: it carries no batch, so a crash after it loses nothing and the next run finds
   * nothing left to change; and the data files are then written with the ids the table gave the new
   * columns. A conflict (another writer committed first, perhaps the same evolution) is met by
   * planning again on the refreshed table, never by re-applying the old plan.
   */
  static Table evolve(Table table, TableIdentifier id, TableDefinition definition) {
    for (int attempt = 1; ; attempt++) {
      SchemaEvolution plan = plan(table, definition);
      refuseIfNeeded(id, plan);
      if (plan.changes().isEmpty()) {
        return table;
      }
      if (attempt > MAX_EVOLVE_ATTEMPTS) {
        throw new CommitFailedException(
            "Cannot evolve table %s: %d attempts met concurrent commits; retry the run", id, MAX_EVOLVE_ATTEMPTS);
      }
      UpdateSchema update = table.updateSchema();
      plan.applyTo(update);
      try {
        update.commit();
        table.refresh();
        LOG.info("Evolved table {} to schema {}: {}", id, table.schema().schemaId(), String.join(", ", plan.describe()));
        continue; // plan once more: it must now be empty
      } catch (CommitFailedException e) {
        LOG.info("Cannot evolve table {} yet ({}); planning again on its current schema", id, e.getMessage());
      } catch (CommitStateUnknownException e) {
        // Nothing to clean up: a schema change writes no data file. Whether it landed or not, the
        // refreshed table says what is left to do.
        LOG.warn("Evolving table {}: the commit state is unknown ({}); planning again on its current schema", id, e.getMessage());
      }
      table.refresh();
    }
  }

  private static SchemaEvolution plan(Table table, TableDefinition definition) {
    return SchemaEvolution.plan(table.schema(), table.schemas().values(), definition.schema());
  }

  private static void refuseIfNeeded(TableIdentifier id, SchemaEvolution plan) {
    if (!plan.refusals().isEmpty()) {
      throw new IncompatibleTableException(
          "Cannot evolve table " + id + " to the schema definition (the table is left unchanged): "
              + String.join("; ", plan.refusals()));
    }
  }

  private static Table create(Catalog catalog, TableIdentifier id, TableDefinition definition) {
    if (catalog instanceof SupportsNamespaces namespaces && !id.namespace().isEmpty()) {
      createNamespaceIfMissing(namespaces, id.namespace());
    }
    try {
      Table table =
          catalog
              .buildTable(id, definition.schema())
              .withPartitionSpec(definition.spec())
              .withSortOrder(definition.sortOrder())
              .withProperties(definition.properties())
              .create();
      LOG.info("Created table {} with partition spec {}", id, definition.spec().fields());
      return table;
    } catch (AlreadyExistsException e) {
      // Another run created it between our load and create.
      return catalog.loadTable(id);
    }
  }

  private static void createNamespaceIfMissing(SupportsNamespaces catalog, Namespace namespace) {
    for (int depth = 1; depth <= namespace.length(); depth++) {
      Namespace level = Namespace.of(java.util.Arrays.copyOf(namespace.levels(), depth));
      if (!catalog.namespaceExists(level)) {
        try {
          // A mutable map: Iceberg 1.12's REST request builder NPEs on an immutable empty map.
          catalog.createNamespace(level, new HashMap<>());
        } catch (AlreadyExistsException e) {
          // Created concurrently: fine.
        }
      }
    }
  }

  /** Why floe cannot write a table with {@code actual} schema, whatever the definition; empty when it can. */
  static List<String> incompatibilities(Schema actual) {
    List<String> problems = new ArrayList<>();
    for (Types.NestedField column : actual.columns()) {
      if (!decodable(column.type())) {
        problems.add("column '" + column.name() + "' has type " + column.type() + ", which floe cannot write");
      }
    }
    return problems;
  }

  /** Structs and lists of decodable types are decodable; maps are not. */
  private static boolean decodable(Type type) {
    if (type.isPrimitiveType()) {
      return DECODABLE.contains(type.typeId());
    }
    return (type.isStructType() || type.isListType())
        && type.asNestedType().fields().stream().allMatch(field -> decodable(field.type()));
  }

  private static final java.util.Set<Type.TypeID> DECODABLE =
      java.util.EnumSet.of(
          Type.TypeID.STRING,
          Type.TypeID.INTEGER,
          Type.TypeID.LONG,
          Type.TypeID.FLOAT,
          Type.TypeID.DOUBLE,
          Type.TypeID.BOOLEAN,
          Type.TypeID.BINARY,
          Type.TypeID.DECIMAL,
          Type.TypeID.TIMESTAMP,
          Type.TypeID.DATE);
}
