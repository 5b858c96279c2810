/**
 * Whether an Accept header asks for Heroku's v3 media type. The CLI sends
 * variants such as `version=3.sdk`; any `3.*` is accepted.
 */
export function acceptsVersion3(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((mediaRange) => {
    const [type, ...params] = mediaRange.split(';').map((part) => part.trim());
    if (type?.toLowerCase() !== 'application/vnd.heroku+json') return false;
    return params.some((param) => {
      const [key, value] = param.split('=').map((s) => s.trim());
      return key?.toLowerCase() === 'version' && /^3(\.[\w-]+)?$/.test(value ?? '');
    });
  });
}
