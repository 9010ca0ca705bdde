// Turns anything thrown (Error, DOMException, ErrorEvent, string) into one readable line for the user.
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : e.name;
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object' && 'message' in e && typeof e.message === 'string') return e.message;
  return String(e);
}
