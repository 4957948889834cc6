package dev.tandem.provider.aws;

import dev.tandem.provider.sim.HttpSimulator.Response;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The EC2 Query API on the wire, for the simulator and the tests: form-encoded parameters in, with their
 * {@code Name.N} lists and {@code Filter.N.Name}/{@code Filter.N.Value.M} filters, and XML out in EC2's two envelopes.
 */
final class Ec2Wire {
    static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private Ec2Wire() {
    }

    /**
     * A failure: {@code <Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>}.
     */
    static Response error(int status, String code, String message) {
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + xml(code)
                + "</Code><Message>" + xml(message) + "</Message></Error></Errors><RequestID>" + UUID.randomUUID()
                + "</RequestID></Response>";
        return new Response(status, Map.of("Content-Type", "text/xml;charset=UTF-8"), body);
    }

    /** A success: {@code <ActionResponse xmlns=…><requestId>…</requestId>…</ActionResponse>}. */
    static Response ok(String action, String inner) {
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\"" + NS
                + "\">\n  <requestId>" + UUID.randomUUID() + "</requestId>\n" + inner + "</" + action + "Response>";
        return new Response(200, Map.of("Content-Type", "text/xml;charset=UTF-8"), body);
    }

    static Map<String, String> form(String body) {
        Map<String, String> p = new TreeMap<>();
        if (body == null || body.isBlank()) {
            return p;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            p.put(k, v);
        }
        return p;
    }

    /** {@code Name.1}, {@code Name.2}, … in order. */
    static List<String> list(Map<String, String> p, String name) {
        List<String> values = new ArrayList<>();
        for (int i = 1; p.containsKey(name + "." + i); i++) {
            values.add(p.get(name + "." + i));
        }
        return values;
    }

    /** {@code Filter.N.Name} and {@code Filter.N.Value.M}. */
    static Map<String, List<String>> filters(Map<String, String> p) {
        Map<String, List<String>> f = new LinkedHashMap<>();
        for (int i = 1; p.containsKey("Filter." + i + ".Name"); i++) {
            f.put(p.get("Filter." + i + ".Name"), list(p, "Filter." + i + ".Value"));
        }
        return f;
    }

    static String tag(String name, String value) {
        return "      <" + name + ">" + xml(value) + "</" + name + ">\n";
    }

    static String xml(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
