/**
 * A stream read to its end, as one buffer.
 */

/** Every chunk of `stream`, concatenated, once it has ended. */
export async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf-8') : (chunk as Buffer));
  return Buffer.concat(chunks);
}
