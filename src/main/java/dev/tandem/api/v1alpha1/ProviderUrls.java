package dev.tandem.api.v1alpha1;

final class ProviderUrls {
    static final String HTTP_URL_PATTERN = "^https?://[^\\s/?#]+(/[^\\s?#]*)?$";

    private ProviderUrls() {
    }
}
