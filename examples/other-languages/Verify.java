// Verify a Tessera ES256 access token with the JDK alone (Java 17, no dependencies):
//   TESSERA_ISSUER=https://auth.example.com TESSERA_AUDIENCE=orders-api java Verify.java TOKEN
// Prints the subject and exits 0, or prints the reason and exits 1. The tiny JSON field reader
// below keeps the example dependency-free; a real service uses its JSON library (or Spring, below).
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Verify {
  public static void main(String[] args) throws Exception {
    String issuer = System.getenv("TESSERA_ISSUER").replaceAll("/+$", "");
    String audience = System.getenv().getOrDefault("TESSERA_AUDIENCE", "tessera");
    HttpResponse<String> jwks = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(issuer + "/.well-known/jwks.json")).build(),
        HttpResponse.BodyHandlers.ofString());
    try {
      System.out.println(verify(args[0], jwks.body(), issuer, audience));
    } catch (SecurityException e) {
      System.err.println("invalid token: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Returns the subject of a valid token; throws SecurityException saying why otherwise. */
  static String verify(String token, String jwks, String issuer, String audience) throws Exception {
    String[] parts = token.split("\\.");
    if (parts.length != 3) throw new SecurityException("not a JWS compact token");
    String header = decode(parts[0]);
    String payload = decode(parts[1]);
    // The algorithm is ours to choose, not the token's; the type must be an access token (RFC 9068).
    if (!"ES256".equals(string(header, "alg"))) throw new SecurityException("alg is not ES256");
    String typ = string(header, "typ");
    if (typ == null || !(typ.equalsIgnoreCase("at+jwt") || typ.equalsIgnoreCase("application/at+jwt")))
      throw new SecurityException("typ is not at+jwt");
    PublicKey key = findKey(jwks, string(header, "kid"));
    Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format"); // JOSE's r||s form
    ecdsa.initVerify(key);
    ecdsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    if (!ecdsa.verify(Base64.getUrlDecoder().decode(parts[2]))) throw new SecurityException("bad signature");

    long now = System.currentTimeMillis() / 1000, leeway = 30;
    Long exp = number(payload, "exp");
    if (exp == null || exp + leeway < now) throw new SecurityException("expired");
    Long nbf = number(payload, "nbf");
    if (nbf != null && nbf - leeway > now) throw new SecurityException("not yet valid");
    if (!issuer.equals(string(payload, "iss"))) throw new SecurityException("wrong issuer");
    Matcher aud = Pattern.compile("\"aud\"\\s*:\\s*(\"[^\"]*\"|\\[[^\\]]*\\])").matcher(payload);
    if (!aud.find() || !aud.group(1).contains("\"" + audience + "\"")) throw new SecurityException("wrong audience");
    return string(payload, "sub");
  }

  /** The EC P-256 key of the JWKS with this kid (refetch the JWKS once on a miss: key rotation). */
  static PublicKey findKey(String jwks, String kid) throws Exception {
    Matcher m = Pattern.compile("\\{[^{}]*\\}").matcher(jwks);
    while (m.find()) {
      String jwk = m.group();
      if (kid == null || !kid.equals(string(jwk, "kid")) || !"P-256".equals(string(jwk, "crv"))) continue;
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      ECPoint point = new ECPoint(unsigned(string(jwk, "x")), unsigned(string(jwk, "y")));
      return KeyFactory.getInstance("EC")
          .generatePublic(new ECPublicKeySpec(point, params.getParameterSpec(ECParameterSpec.class)));
    }
    throw new SecurityException("no key with this kid");
  }

  static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }

  static BigInteger unsigned(String base64url) {
    return new BigInteger(1, Base64.getUrlDecoder().decode(base64url));
  }

  static String string(String json, String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : null;
  }

  static Long number(String json, String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*(\\d+)").matcher(json);
    return m.find() ? Long.valueOf(m.group(1)) : null;
  }
}
