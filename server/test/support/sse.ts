/** Reads a server-sent event stream until `until` appears or `ms` pass; returns what it read. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  until: string,
  ms: number,
): Promise<string> {
  let text = '';
  const deadline = Date.now() + ms;
  while (!text.includes(until) && Date.now() < deadline) {
    const chunk = await Promise.race([
      reader.read(),
      new Promise<null>((r) => setTimeout(() => r(null), Math.max(0, deadline - Date.now()))),
    ]);
    if (!chunk || chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
  }
  return text;
}
