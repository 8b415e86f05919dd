/**
 * One buffer for a request body as it arrives, shared by the Node and Fetch body readers.
 *
 * @internal
 * @module
 */

/** The first capacity of a body that declared no length. */
const FIRST_CAPACITY = 1024;

const EMPTY = new Uint8Array(0);

/**
 * The bytes of a request body, copied into one buffer as they arrive and bounded by `maxBytes`.
 * The chunks themselves are not kept, so what a body costs does not depend on how it is chunked: a
 * body sent one byte per chunk (`Transfer-Encoding: chunked`) holds what the same body sent in one
 * piece holds, where a list of chunks would pin a `Buffer` object (and often a whole socket read)
 * per byte. The buffer is sized from the declared `Content-Length` when there is one (already
 * checked against the limit), else it starts at 1 KiB and doubles, never past `maxBytes`: it holds
 * at most `maxBytes`, and under twice that for the moment of a copy while it grows.
 *
 * @internal
 */
export class BodyBuffer {
  readonly #maxBytes: number;
  readonly #firstCapacity: number;
  #bytes: Uint8Array = EMPTY;
  #size = 0;

  /**
   * @param maxBytes - the largest body accepted.
   * @param declaredLength - the declared `Content-Length`, when the request gives one within `maxBytes`.
   */
  constructor(maxBytes: number, declaredLength: number | undefined) {
    this.#maxBytes = maxBytes;
    this.#firstCapacity = declaredLength !== undefined && declaredLength > 0 ? declaredLength : Math.min(maxBytes, FIRST_CAPACITY);
  }

  /**
   * Copies a chunk in.
   *
   * @returns `false`, keeping nothing of the chunk, when the body would pass `maxBytes`.
   */
  append(chunk: Uint8Array): boolean {
    const size = this.#size + chunk.byteLength;
    if (size > this.#maxBytes) return false;
    if (size > this.#bytes.byteLength) this.#grow(size);
    this.#bytes.set(chunk, this.#size);
    this.#size = size;
    return true;
  }

  /** The body received so far (a view, not a copy). */
  bytes(): Uint8Array {
    return this.#bytes.subarray(0, this.#size);
  }

  #grow(needed: number): void {
    const capacity = Math.min(this.#maxBytes, Math.max(needed, this.#firstCapacity, this.#bytes.byteLength * 2));
    const bytes = new Uint8Array(capacity);
    bytes.set(this.bytes());
    this.#bytes = bytes;
  }
}
