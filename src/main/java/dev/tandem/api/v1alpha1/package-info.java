/**
 * The custom resources of API group {@code tandem.dev}, version {@code v1alpha1}: plain data classes with their schema
 * (descriptions, validation, CEL rules, defaults). No behaviour lives here; validation that the schema cannot express
 * is in {@code dev.tandem.validation}.
 */
package dev.tandem.api.v1alpha1;
