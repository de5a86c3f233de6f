/**
 * The code of the first fenced block under the `## <heading>` section of a README (the heading
 * compared case-insensitively), so that a test runs exactly what the README shows.
 */
export function readmeExample(markdown: string, heading: string): string {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((line) => line.trim().toLowerCase() === `## ${heading}`.toLowerCase());
  if (start < 0) throw new Error(`no "## ${heading}" section`);
  let open = -1;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (open < 0 && /^#{1,2} /.test(line)) break;
    if (!line.startsWith('```')) continue;
    if (open < 0) open = i;
    else return `${lines.slice(open + 1, i).join('\n')}\n`;
  }
  throw new Error(
    open < 0 ? `no code block under "## ${heading}"` : `unclosed code block under "## ${heading}"`,
  );
}
