package dev.tandem.provider.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.provider.ProviderHttp;

import java.io.IOException;

/**
 * What an OpenStack service said in an error answer. Neutron wraps errors as
 * {@code {"NeutronError": {"type", "message", "detail"}}}; Keystone, and keystonemiddleware in front of Neutron when
 * it rejects a token, as {@code {"error": {"code", "title", "message"}}}; a proxy may send HTML or nothing.
 *
 * @param type    Neutron's error type ({@code FloatingIPNotFound}) or Keystone's title, empty when none
 * @param message the message, or a short excerpt of a body that is not one of these shapes
 */
record OpenStackErrors(String type, String message) {
    private static final int MAX = 400;

    static OpenStackErrors of(ProviderHttp.Answer a) {
        String body = a.body() == null ? "" : a.body().strip();
        if (body.isEmpty()) {
            return new OpenStackErrors("", "(empty body)");
        }
        JsonNode json;
        try {
            json = ProviderHttp.json().readTree(body);
        } catch (IOException notJson) {
            return new OpenStackErrors("", excerpt(body.replaceAll("(?s)<[^>]*>", " ")));
        }
        if (json != null && json.isObject()) {
            JsonNode neutron = json.get("NeutronError");
            if (neutron != null && neutron.isObject()) {
                String message = neutron.path("message").asText("");
                String detail = neutron.path("detail").asText("");
                return new OpenStackErrors(neutron.path("type").asText(""),
                        excerpt(message + (detail.isBlank() ? "" : " (" + detail + ")")));
            }
            JsonNode error = json.get("error");
            if (error != null && error.isObject()) {
                return new OpenStackErrors(error.path("title").asText(""), excerpt(error.path("message").asText("")));
            }
            if (json.path("message").isTextual()) {
                return new OpenStackErrors("", excerpt(json.get("message").asText()));
            }
        }
        return new OpenStackErrors("", excerpt(body));
    }

    /** {@code FloatingIPNotFound: Floating IP ... could not be found}. */
    String said() {
        return type.isEmpty() ? message : type + ": " + message;
    }

    static String excerpt(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        if (oneLine.isEmpty()) {
            return "(no message)";
        }
        return oneLine.length() <= MAX ? oneLine : oneLine.substring(0, MAX) + "...";
    }
}
