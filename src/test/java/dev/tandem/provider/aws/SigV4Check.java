package dev.tandem.provider.aws;

import dev.tandem.provider.sim.HttpSimulator.Request;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator's side of AWS Signature Version 4 (the "Create a canonical request", "Create a string to sign" and
 * "Calculate the signature" steps of the AWS General Reference): recomputes the signature of a received request from
 * the secret key the simulator knows and compares it with the one in the Authorization header. Test code only; the
 * provider leaves signing to the SDK.
 */
final class SigV4Check {
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=(?<key>[^/]+)/(?<date>\\d{8})/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request,"
                    + "\\s*SignedHeaders=(?<headers>[^,]+),\\s*Signature=(?<signature>[0-9a-f]{64})");

    /** The parts of a well-formed Authorization header. */
    record Parsed(String accessKeyId, String date, String region, String service, List<String> signedHeaders,
            String signature) {
    }

    private SigV4Check() {
    }

    static Optional<Parsed> parse(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        Matcher m = AUTHORIZATION.matcher(authorization.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Parsed(m.group("key"), m.group("date"), m.group("region"), m.group("service"),
                List.of(m.group("headers").split(";")), m.group("signature")));
    }

    /** True when {@code request} carries the signature that {@code secretKey} gives. */
    static boolean valid(Request request, Parsed auth, String secretKey) {
        String amzDate = request.header("x-amz-date");
        if (amzDate == null || !amzDate.startsWith(auth.date())) {
            return false;
        }
        StringBuilder canonical = new StringBuilder();
        canonical.append(request.method()).append('\n');
        canonical.append(request.path().isEmpty() ? "/" : request.path()).append('\n');
        canonical.append(request.query() == null ? "" : request.query()).append('\n');
        for (String name : auth.signedHeaders()) {
            List<String> values = values(request.headers(), name);
            if (values == null) {
                return false;
            }
            canonical.append(name).append(':')
                    .append(String.join(",", values.stream().map(v -> v.strip().replaceAll("\\s+", " ")).toList()))
                    .append('\n');
        }
        canonical.append('\n').append(String.join(";", auth.signedHeaders())).append('\n');
        canonical.append(hex(sha256(request.body().getBytes(StandardCharsets.UTF_8))));
        String scope = auth.date() + "/" + auth.region() + "/" + auth.service() + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), auth.date());
        key = hmac(key, auth.region());
        key = hmac(key, auth.service());
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, toSign));
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                auth.signature().getBytes(StandardCharsets.US_ASCII));
    }

    private static List<String> values(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
