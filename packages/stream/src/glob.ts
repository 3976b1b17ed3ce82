/**
 * Matches names against a glob with `*` (any run of characters) and nothing else: no
 * regular expression from the user, so no pattern can hang the tool.
 */
export function globMatcher(glob: string): (name: string) => boolean {
  const parts = glob.split('*');
  if (parts.length === 1) return (name) => name === glob;
  return (name) => {
    const first = parts[0]!;
    const last = parts[parts.length - 1]!;
    if (!name.startsWith(first) || !name.endsWith(last) || name.length < first.length + last.length)
      return false;
    let at = first.length;
    const end = name.length - last.length;
    for (let i = 1; i < parts.length - 1; i++) {
      const found = name.indexOf(parts[i]!, at);
      if (found === -1 || found + parts[i]!.length > end) return false;
      at = found + parts[i]!.length;
    }
    return true;
  };
}
