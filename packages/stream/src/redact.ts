// Query parameters that carry a secret.
const SECRET_PARAMETER = /pass|secret|token|key|auth|credential|signature|sig$/i;

/**
 * A URL as it may be printed: a user's password (and, over HTTP, a lone user part, where a
 * token stands) and every secret query parameter as `***`. Read with the URL parser; a URL
 * it cannot read (`postgres://u:pa/ss@host`, a `/` in the password) loses everything
 * between `//` and its last `@`, so that no half of a secret is shown.
 */
export function redactUrl(text: string): string {
  const authority = text.indexOf('//');
  if (authority === -1) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return redactAuthority(text, authority);
  }
  // A parse that read part of the password as the host: the text's own last '@' says so.
  const at = text.lastIndexOf('@');
  if (at > authority && !url.username && !url.password) return redactAuthority(text, authority);
  if (url.password) url.password = '***';
  // Over HTTP a lone user part is usually a token (https://TOKEN@host); a database's is a name.
  else if (url.username && /^https?:$/.test(url.protocol)) url.username = '***';
  for (const key of [...url.searchParams.keys()])
    if (SECRET_PARAMETER.test(key)) url.searchParams.set(key, '***');
  return url.toString();
}

function redactAuthority(text: string, authority: number): string {
  const start = authority + 2;
  const at = text.lastIndexOf('@');
  return at > start ? `${text.slice(0, start)}***${text.slice(at)}` : text;
}

/** Every URL in a text (an error message that quotes one) as `redactUrl` prints it. */
export function redactUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => redactUrl(url));
}
