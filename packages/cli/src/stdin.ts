export type DecodedText = { ok: true; text: string; bom: boolean } | { ok: false; message: string };

export async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Stdin gets the same checks readSourceFile applies to files: no NUL bytes, valid UTF-8, BOM removed. */
export function decodeSqlBytes(bytes: Uint8Array): DecodedText {
  if (bytes.subarray(0, 8192).includes(0)) {
    return { ok: false, message: 'The input looks binary (it contains NUL bytes), not SQL text.' };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { ok: false, message: 'The input is not valid UTF-8 text.' };
  }
  const bom = text.startsWith('\uFEFF');
  return { ok: true, text: bom ? text.slice(1) : text, bom };
}
