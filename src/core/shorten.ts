/** Keeps error messages readable when the bad token is huge (and shows its escapes). */
export function shorten(text: string, max = 60): string {
  const printable = JSON.stringify(text).slice(1, -1)
  return printable.length > max ? `${printable.slice(0, max)}…` : printable
}
