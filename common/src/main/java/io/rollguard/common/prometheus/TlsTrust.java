package io.rollguard.common.prometheus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds an {@link SSLContext} that trusts the CA certificates of one PEM file (a cluster-internal
 * CA for Prometheus or Redis), instead of the JVM's default trust store. Shared by the Prometheus
 * client and the Redis connection factory.
 */
public final class TlsTrust {

  private TlsTrust() {}

  /**
   * An SSL context that trusts exactly the certificates of a PEM CA file.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or holds no
   *     certificate, so a bad mount fails the vertex at start
   */
  public static SSLContext trustingCaFile(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("CA file " + caFile + " contains no certificate");
      }
      KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
      trustStore.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        trustStore.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read CA file " + caFile + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "CA file " + caFile + " is not a valid PEM certificate bundle: " + e.getMessage(), e);
    }
  }
}
