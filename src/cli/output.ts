/** The CLI's only writers: results on stdout, people-facing notes on stderr. */
export const out = (text: string): void => {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
};
export const note = (text: string): void => {
  process.stderr.write(text.endsWith('\n') ? text : text + '\n');
};
export const json = (value: unknown): void => out(JSON.stringify(value));
