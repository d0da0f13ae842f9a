package dev.sparrow.tests.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS that trusts exactly the CA certificates of one PEM file (a private CA, not the JDK's public roots),
 * which is how a robot trusts its fleet's broker. Give the result to Paho with
 * {@code MqttConnectOptions.setSocketFactory}; host name verification stays Paho's
 * ({@code setHttpsHostnameVerificationEnabled(true)}).
 *
 * <p>Depends on nothing but the JDK, so that the agent can take it over as it is.
 */
public final class TrustedCa {
    private TrustedCa() {}

    /** A socket factory whose handshakes accept only servers whose chain ends at a CA in {@code caCertificatePem}. */
    public static SSLSocketFactory socketFactory(Path caCertificatePem) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(caCertificatePem)) {
            // A bundle may hold several CAs (e.g. the old and the new one while a CA is being replaced).
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new CertificateException("no certificate in " + caCertificatePem);
            }
            int index = 0;
            for (Certificate certificate : certificates) {
                trusted.setCertificateEntry("ca-" + index++, certificate);
            }
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context.getSocketFactory();
    }
}
