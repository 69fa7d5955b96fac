package dev.floe.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Self-signed certificates made by the JDK's keytool (no BouncyCastle here), and a TLS server on
 * 127.0.0.1 that presents one: real certificates and real handshakes for the trust tests.
 */
final class TestCertificates {
  /** A throwaway password for throwaway keystores; passed to keytool by environment, not argv. */
  private static final String PASSWORD = "test-keystore-password";

  private TestCertificates() {}

  /**
   * A key pair and self-signed certificate for {@code CN=<name>} with the given subject alternative
   * names (keytool's {@code -ext san=} syntax, e.g. {@code ip:127.0.0.1}).
   *
   * @param keystore PKCS12 file holding the key, for a server
   * @param pem the certificate alone, as a client's CA bundle
   */
  record Certificate(Path keystore, Path pem) {
    String pemText() {
      try {
        return Files.readString(pem, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    SSLContext serverContext() {
      try (InputStream in = Files.newInputStream(keystore)) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(in, PASSWORD.toCharArray());
        KeyManagerFactory keys =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static Certificate selfSigned(Path dir, String name, String san) {
    Path keystore = dir.resolve(name + ".p12");
    Path pem = dir.resolve(name + ".pem");
    keytool(
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + name,
        "-ext",
        "san=" + san,
        "-validity",
        "2",
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass:env",
        "KEYSTORE_PASSWORD",
        "-keypass:env",
        "KEYSTORE_PASSWORD");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        name,
        "-keystore",
        keystore.toString(),
        "-storepass:env",
        "KEYSTORE_PASSWORD",
        "-file",
        pem.toString());
    return new Certificate(keystore, pem);
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("KEYSTORE_PASSWORD", PASSWORD);
    try {
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running keytool", e);
    }
  }

  /**
   * A TLS server on 127.0.0.1 that completes handshakes with {@code certificate} and closes each
   * connection; only the handshake matters to the tests.
   */
  static final class TlsServer implements AutoCloseable {
    private final SSLServerSocket socket;
    private final Thread acceptor;

    TlsServer(Certificate certificate) throws IOException {
      socket =
          (SSLServerSocket)
              certificate
                  .serverContext()
                  .getServerSocketFactory()
                  .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      acceptor = new Thread(this::accept, "tls-test-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void accept() {
      while (!socket.isClosed()) {
        try (SSLSocket client = (SSLSocket) socket.accept()) {
          client.startHandshake();
        } catch (IOException e) {
          // a client that refused our certificate, or the server closing
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
