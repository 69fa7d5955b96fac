package dev.floe.catalog;

import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.config.Secret;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/** How floe authenticates to a REST catalog. */
public sealed interface CatalogAuth {

  static CatalogAuth none() {
    return new None();
  }

  /**
   * No credentials: a server that needs none, or auth configured through pass-through properties.
   */
  record None() implements CatalogAuth {
    @Override
    public String toString() {
      return "none";
    }
  }

  /** A fixed bearer token, e.g. a Cloudflare R2 API token with catalog and storage rights. */
  record BearerToken(Secret token) implements CatalogAuth {
    public BearerToken {
      Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
      return "bearer token " + token;
    }
  }

  /**
   * The OAuth2 client-credentials flow: Iceberg fetches and refreshes tokens from {@code
   * serverUri}, or from the catalog's own token endpoint when absent.
   */
  record ClientCredentials(
      String clientId, Secret clientSecret, Optional<URI> serverUri, Optional<String> scope)
      implements CatalogAuth {
    public ClientCredentials {
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(clientSecret, "clientSecret");
      Objects.requireNonNull(serverUri, "serverUri");
      Objects.requireNonNull(scope, "scope");
      if (clientId.contains(":")) {
        // Iceberg passes id and secret as one "id:secret" credential and splits at the first colon.
        throw new InvalidConfigException("Invalid OAuth2 client id: it must not contain ':'");
      }
    }

    @Override
    public String toString() {
      return "oauth2 client "
          + clientId
          + " secret "
          + clientSecret
          + serverUri.map(uri -> " via " + uri).orElse("")
          + scope.map(value -> " scope " + value).orElse("");
    }
  }
}
