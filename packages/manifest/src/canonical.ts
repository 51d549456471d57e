/**
 * Canonical JSON for signing: RFC 8785 (JSON Canonicalization Scheme), through
 * the small, dependency-free `canonicalize` package by one of the RFC's authors.
 * Sorted keys, no whitespace, ECMAScript number and string serialisation: the
 * same object gives the same bytes in every implementation.
 */
import canonicalize from 'canonicalize';

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('canonicalJson: value has no JSON form');
  return text;
}

export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
