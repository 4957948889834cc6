package dev.tandem.provider.multapplied;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.provider.ProviderHttp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the management server said in an error answer. Its API is Django REST framework: errors are JSON, either
 * {@code {"detail": "..."}} or field errors such as {@code {"enabled": ["Must be a valid boolean."]}}. But a proxy or
 * Django itself in front of the API can answer with an HTML page (a 500 "Server Error", a 502 from nginx); the seed's
 * script called {@code .json()} on such a body and died with a traceback. Here any body becomes a short line of text.
 */
final class DjangoErrors {
    private static final int MAX = 300;

    private DjangoErrors() {
    }

    static String describe(ProviderHttp.Answer a) {
        String body = a.body() == null ? "" : a.body().strip();
        if (body.isEmpty()) {
            return "(empty body)";
        }
        JsonNode json;
        try {
            json = ProviderHttp.json().readTree(body);
        } catch (IOException notJson) {
            return excerpt(stripMarkup(body));
        }
        if (json != null && json.isObject()) {
            JsonNode detail = json.get("detail");
            if (detail != null && detail.isTextual()) {
                return excerpt(detail.asText());
            }
            List<String> parts = new ArrayList<>();
            for (Map.Entry<String, JsonNode> field : json.properties()) {
                parts.add(field.getKey() + ": " + flatten(field.getValue()));
            }
            if (!parts.isEmpty()) {
                return excerpt(String.join("; ", parts));
            }
        }
        if (json != null && json.isArray() && !json.isEmpty()) {
            return excerpt(flatten(json));
        }
        return excerpt(body);
    }

    /** A short, single-line excerpt of an answer body, for "the server said" in messages. */
    static String excerpt(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        if (oneLine.isEmpty()) {
            return "(empty body)";
        }
        return oneLine.length() <= MAX ? oneLine : oneLine.substring(0, MAX) + "...";
    }

    private static String flatten(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(n -> items.add(flatten(n)));
            return String.join(" ", items);
        }
        return node.toString();
    }

    private static String stripMarkup(String body) {
        return body.replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", " ").replaceAll("(?s)<[^>]*>", " ")
                .replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
