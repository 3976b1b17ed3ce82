/** A submission as the api accepts it. */
export interface NewSubmission {
  author: string;
  language: string;
  source: string;
}

export const LANGUAGES = ['python', 'javascript', 'typescript', 'go'] as const;
export const MAX_AUTHOR = 100;
export const MAX_SOURCE = 65_536;

export type Validation = { ok: true; value: NewSubmission } | { ok: false; errors: string[] };

/** Checks a request body: every problem named, so that a client fixes them in one go. */
export function validateSubmission(body: unknown): Validation {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, errors: ['the body must be a JSON object'] };
  const { author, language, source } = body as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof author !== 'string' || author.trim() === '') errors.push('author is required');
  else if (author.length > MAX_AUTHOR)
    errors.push(`author is longer than ${MAX_AUTHOR} characters`);
  if (typeof language !== 'string' || !(LANGUAGES as readonly string[]).includes(language))
    errors.push(`language must be one of ${LANGUAGES.join(', ')}`);
  if (typeof source !== 'string') errors.push('source is required');
  else if (source.length > MAX_SOURCE)
    errors.push(`source is longer than ${MAX_SOURCE} characters`);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      author: (author as string).trim(),
      language: language as string,
      source: source as string,
    },
  };
}
