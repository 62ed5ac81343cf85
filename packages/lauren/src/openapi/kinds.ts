/**
 * Responses that are not one JSON value, declared as a route's `response`: a file
 * (`fileOf("image/png", "image/jpeg")`), newline-delimited JSON (`ndjsonOf(HeroOut)`) or any
 * other stream (`streamOf("text/csv")`). The document then gives the media types, binary
 * bodies, and for files the 206/304/416 answers and validators, without `produces`; the
 * handler's return type must be a response (`file()`, `ndjson()`, `stream()`) or a stream.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";

/** Marks a declaration apart from a schema (which never has it). */
const KIND: unique symbol = Symbol("lauren.responseKind");

export interface FileResponseKind {
  readonly [KIND]: true;
  readonly kind: "file";
  /** The media types the file may have. */
  readonly types: readonly string[];
}

export interface NdjsonResponseKind<S extends StandardSchemaV1 | null = StandardSchemaV1 | null> {
  readonly [KIND]: true;
  readonly kind: "ndjson";
  /** What each line holds, when declared: it then also governs each line sent (see http/serialize.ts). */
  readonly item: S;
}

export interface StreamResponseKind {
  readonly [KIND]: true;
  readonly kind: "stream";
  readonly types: readonly string[];
}

export type ResponseKind = FileResponseKind | NdjsonResponseKind | StreamResponseKind;

/** A file response (`file(...)`): its possible media types, `application/octet-stream` when none are given. */
export function fileOf(...types: string[]): FileResponseKind {
  return { [KIND]: true, kind: "file", types: types.length === 0 ? ["application/octet-stream"] : types };
}

/** Newline-delimited JSON (`ndjson(...)`); `item` documents one line and writes each one (undeclared fields dropped). */
export function ndjsonOf<S extends StandardSchemaV1>(item: S): NdjsonResponseKind<S>;
export function ndjsonOf(): NdjsonResponseKind<null>;
export function ndjsonOf(item?: StandardSchemaV1): NdjsonResponseKind {
  return { [KIND]: true, kind: "ndjson", item: item ?? null };
}

/** Any other streamed body (`stream(...)`, a returned Readable or generator); default `application/octet-stream`. */
export function streamOf(...types: string[]): StreamResponseKind {
  return { [KIND]: true, kind: "stream", types: types.length === 0 ? ["application/octet-stream"] : types };
}

export function isResponseKind(value: unknown): value is ResponseKind {
  return typeof value === "object" && value !== null && KIND in value;
}
